package dev.lanyard.server.protocol;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Answers failed client authentication as RFC 6749 §5.2 requires: {@code invalid_client}
 * is a 401, and "if the client attempted to authenticate via the Authorization request
 * header field, the authorization server MUST … include the WWW-Authenticate response
 * header field matching the authentication scheme used by the client". Only the error
 * code is sent: whether the client exists or only the secret was wrong stays unsaid.
 */
final class ClientAuthenticationFailureHandler implements AuthenticationFailureHandler {

	private final OAuth2ErrorHttpMessageConverter converter = new OAuth2ErrorHttpMessageConverter();

	/**
	 * This handler for {@code invalid_client}, {@code others} for every other error (an
	 * endpoint whose own checks may still find the client unfit once it authenticated).
	 */
	AuthenticationFailureHandler orElse(AuthenticationFailureHandler others) {
		return (request, response, exception) -> {
			if (exception instanceof OAuth2AuthenticationException oauth
					&& OAuth2ErrorCodes.INVALID_CLIENT.equals(oauth.getError().getErrorCode())) {
				onAuthenticationFailure(request, response, exception);
			}
			else {
				others.onAuthenticationFailure(request, response, exception);
			}
		};
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		SecurityContextHolder.clearContext();
		String errorCode = ((OAuth2AuthenticationException) exception).getError().getErrorCode();
		ServletServerHttpResponse httpResponse = new ServletServerHttpResponse(response);
		if (OAuth2ErrorCodes.INVALID_CLIENT.equals(errorCode)) {
			httpResponse.setStatusCode(HttpStatus.UNAUTHORIZED);
			if (ClientAuthenticationMethodRule.isBasic(request.getHeader(HttpHeaders.AUTHORIZATION))) {
				httpResponse.getHeaders()
					.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"lanyard\", charset=\"UTF-8\"");
			}
		}
		else {
			httpResponse.setStatusCode(HttpStatus.BAD_REQUEST);
		}
		this.converter.write(new OAuth2Error(errorCode), null, httpResponse);
	}

}
