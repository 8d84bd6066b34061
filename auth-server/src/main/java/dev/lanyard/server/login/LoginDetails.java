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
 * @param identityProvider the upstream identity provider the person signed in with (the
 * {@code idp} claim); {@code null} when they signed in here
 */
public record LoginDetails(String sessionId, Instant authenticatedAt, String remoteAddress, String trustedDevice,
		String identityProvider) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final SecureRandom random = new SecureRandom();

	/** The details of a sign-in at this server (no upstream identity provider). */
	public LoginDetails(String sessionId, Instant authenticatedAt, String remoteAddress, String trustedDevice) {
		this(sessionId, authenticatedAt, remoteAddress, trustedDevice, null);
	}

	/** The same sign-in, authenticated again at another moment (a further factor). */
	public LoginDetails at(Instant moment) {
		return new LoginDetails(this.sessionId, moment, this.remoteAddress, this.trustedDevice, this.identityProvider);
	}

	/** The same sign-in, made through an upstream identity provider. */
	public LoginDetails through(String providerId) {
		return new LoginDetails(this.sessionId, this.authenticatedAt, this.remoteAddress, this.trustedDevice,
				providerId);
	}

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
