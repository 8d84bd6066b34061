package dev.lanyard.server.login;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.CredentialsContainer;

/**
 * A sign-in whose password was right and whose second factor is still to come. It waits
 * in the HTTP session, apart from the security context: until the second factor, the
 * session is not signed in on any chain (a forgotten check somewhere cannot let a
 * password alone through). It is good for {@value #MINUTES} minutes.
 *
 * @param passwordSignIn the authentication the password check made
 * @param since when the password was accepted
 * @param rememberDevice whether the person chose on the login page to have this browser
 * remembered ({@link TrustedDevices}); {@code null} for a step-up of a live sign-in,
 * which leaves the browser as it is
 */
public record PendingSignIn(Authentication passwordSignIn, Instant since,
		Boolean rememberDevice) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	static final long MINUTES = 5;

	/** The session attribute a sign-in waiting for its second factor is kept under. */
	public static final String ATTRIBUTE = PendingSignIn.class.getName();

	/**
	 * Keeps the sign-in in the session until its second factor, without its credentials:
	 * the session is stored (Redis) for as long as the person leaves the page open, and
	 * the password check's result still holds the typed password and the account's hash
	 * (the framework erases them only from a sign-in that completes).
	 */
	static void hold(HttpServletRequest request, Authentication passwordSignIn, Instant now, Boolean rememberDevice) {
		if (passwordSignIn instanceof CredentialsContainer credentials) {
			credentials.eraseCredentials();
		}
		request.getSession().setAttribute(ATTRIBUTE, new PendingSignIn(passwordSignIn, now, rememberDevice));
	}

	/**
	 * The sign-in waiting in this request's session, unless there is none or it expired.
	 */
	static PendingSignIn of(HttpServletRequest request, Instant now) {
		HttpSession session = request.getSession(false);
		if (session == null || !(session.getAttribute(ATTRIBUTE) instanceof PendingSignIn pending)) {
			return null;
		}
		if (now.isAfter(pending.since().plus(Duration.ofMinutes(MINUTES)))) {
			session.removeAttribute(ATTRIBUTE);
			return null;
		}
		return pending;
	}

	static void clear(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.removeAttribute(ATTRIBUTE);
		}
	}

}
