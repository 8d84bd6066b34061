package dev.lanyard.server.protocol;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Shows a protocol error to the person in the browser when there is nowhere safe to
 * redirect (RFC 6749 §4.1.2.1: never redirect to an unregistered or invalid redirect
 * URI). The error goes to the container's error page, which Lanyard renders as a friendly
 * page.
 */
public final class OAuthErrorPage {

	/** Request attribute holding the {@link OAuth2Error} for the error page. */
	public static final String ERROR_ATTRIBUTE = OAuthErrorPage.class.getName() + ".error";

	private OAuthErrorPage() {
	}

	public static void send(HttpServletRequest request, HttpServletResponse response, OAuth2Error error)
			throws IOException {
		request.setAttribute(ERROR_ATTRIBUTE, error);
		response.sendError(HttpServletResponse.SC_BAD_REQUEST);
	}

}
