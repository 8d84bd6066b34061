package dev.lanyard.server.login;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import dev.lanyard.server.user.LoginName;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AuthenticationDetailsSource;

/**
 * What Lanyard remembers about one sign-in at the hosted login page: the login session's
 * identifier (the OpenID Connect {@code sid}), when the user authenticated
 * ({@code auth_time}), from which address, and whether from a browser that signed in to
 * the account before. Immutable.
 *
 * @param sessionId a random identifier of the login session, stable across the HTTP
 * session id changes that protect against fixation
 * @param authenticatedAt when the password was checked
 * @param remoteAddress the client address seen by the server; may be {@code null}
 * @param trustedDevice the id of the device cookie valid for the typed account;
 * {@code null} from an unknown device
 */
public record LoginDetails(String sessionId, Instant authenticatedAt, String remoteAddress,
		String trustedDevice) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final SecureRandom random = new SecureRandom();

	/** Builds the details for a login attempt from its request. */
	public static AuthenticationDetailsSource<HttpServletRequest, LoginDetails> source(TrustedDevices devices) {
		return (request) -> {
			byte[] bytes = new byte[16];
			random.nextBytes(bytes);
			String device = LoginName.ofTyped(request.getParameter("username"))
				.map((loginName) -> devices.deviceOf(request, loginName))
				.orElse(null);
			return new LoginDetails(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), Instant.now(),
					request.getRemoteAddr(), device);
		};
	}

}
