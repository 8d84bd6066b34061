package dev.lanyard.server.web;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lanyard.server.protocol.OAuthErrorPage;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every error a person or a program can meet ends here: a friendly page for browsers,
 * OAuth error JSON for programs. Never a stack trace or an exception message: the detail
 * goes to the log, the response gets a code and a short safe description.
 */
@Controller
class FriendlyErrorController implements ErrorController {

	@RequestMapping("/error")
	Object error(HttpServletRequest request) {
		HttpStatus status = status(request);
		OAuth2Error oauthError = (OAuth2Error) request.getAttribute(OAuthErrorPage.ERROR_ATTRIBUTE);
		String code = (oauthError != null) ? oauthError.getErrorCode() : errorCode(status);
		if (wantsJson(request)) {
			Map<String, String> body = new LinkedHashMap<>();
			body.put("error", code);
			return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
		}
		ModelAndView page = new ModelAndView("error", status);
		page.addObject("status", status.value());
		page.addObject("errorCode", code);
		page.addObject("oauthError", oauthError != null);
		return page;
	}

	private static HttpStatus status(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		if (code == null) {
			// /error asked for directly, not an error being shown: no such page.
			return HttpStatus.NOT_FOUND;
		}
		HttpStatus status = (code instanceof Integer value) ? HttpStatus.resolve(value) : null;
		return (status != null && status.isError()) ? status : HttpStatus.INTERNAL_SERVER_ERROR;
	}

	private static String errorCode(HttpStatus status) {
		return switch (status) {
			case BAD_REQUEST -> "invalid_request";
			case UNAUTHORIZED -> "unauthorized";
			case FORBIDDEN -> "access_denied";
			case NOT_FOUND -> "not_found";
			case METHOD_NOT_ALLOWED -> "method_not_allowed";
			case SERVICE_UNAVAILABLE -> "temporarily_unavailable";
			default -> status.is4xxClientError() ? "invalid_request" : "server_error";
		};
	}

	private static boolean wantsJson(HttpServletRequest request) {
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		return wantsJson((uri instanceof String value) ? value : "", request.getHeader("Accept"));
	}

	/**
	 * Whether an answer to this path and {@code Accept} header is JSON (programs) rather
	 * than a page.
	 */
	static boolean wantsJson(String path, String accept) {
		if (path.startsWith("/oauth2/token") || path.startsWith("/oauth2/introspect")
				|| path.startsWith("/oauth2/revoke") || path.startsWith("/userinfo") || path.startsWith("/api/")
				|| path.startsWith("/actuator/") || path.startsWith("/oauth2/jwks") || path.startsWith("/.well-known/")
				|| path.startsWith("/oauth2/par") || path.startsWith("/oauth2/device_authorization")
				|| path.startsWith("/connect/register") || path.startsWith("/revocations")) {
			return true;
		}
		return accept != null && accept.contains("application/json") && !accept.contains("text/html");
	}

}
