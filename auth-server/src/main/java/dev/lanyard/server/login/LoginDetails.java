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
 * @param carriedPast the last time the person ended every other sign-in of theirs from
 * this one without proving anything (this one goes on past that cut-off); {@code null} if
 * never. It never counts as an authentication: {@code auth_time}, {@code max_age} and
 * recent-sign-in checks read {@code authenticatedAt}, the absolute lifetime
 * {@link #begun()}
 * @param begunAt when the session began here, where that is later than
 * {@code authenticatedAt}: a sign-in through an upstream provider that answered from its
 * own session says when the person authenticated there ({@code auth_time}), which may be
 * long before; the session's absolute lifetime and the ends of every sign-in count from
 * its beginning here. {@code null}: {@code authenticatedAt}
 */
public record LoginDetails(String sessionId, Instant authenticatedAt, String remoteAddress, String trustedDevice,
		String identityProvider, Instant carriedPast, Instant begunAt) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final SecureRandom random = new SecureRandom();

	/** The details of a sign-in at this server (no upstream identity provider). */
	public LoginDetails(String sessionId, Instant authenticatedAt, String remoteAddress, String trustedDevice) {
		this(sessionId, authenticatedAt, remoteAddress, trustedDevice, null, null, null);
	}

	/** The details of a sign-in, possibly through an upstream identity provider. */
	public LoginDetails(String sessionId, Instant authenticatedAt, String remoteAddress, String trustedDevice,
			String identityProvider) {
		this(sessionId, authenticatedAt, remoteAddress, trustedDevice, identityProvider, null, null);
	}

	/** The same sign-in, authenticated again at another moment (a further factor). */
	public LoginDetails at(Instant moment) {
		return new LoginDetails(this.sessionId, moment, this.remoteAddress, this.trustedDevice, this.identityProvider,
				this.carriedPast, this.begunAt);
	}

	/**
	 * The same sign-in, whose person authenticated earlier at the upstream provider it
	 * was made through ({@code auth_time}); the session still begins now.
	 */
	public LoginDetails authenticatedUpstreamAt(Instant upstreamAuthentication) {
		return new LoginDetails(this.sessionId, upstreamAuthentication, this.remoteAddress, this.trustedDevice,
				this.identityProvider, this.carriedPast, begun());
	}

	/** The same sign-in, made through an upstream identity provider. */
	public LoginDetails through(String providerId) {
		return new LoginDetails(this.sessionId, this.authenticatedAt, this.remoteAddress, this.trustedDevice,
				providerId, this.carriedPast, this.begunAt);
	}

	/**
	 * When this session began here, or was last authenticated again: what its absolute
	 * lifetime counts from.
	 */
	public Instant begun() {
		return (this.begunAt != null && this.begunAt.isAfter(this.authenticatedAt)) ? this.begunAt
				: this.authenticatedAt;
	}

	/**
	 * The same sign-in, going on past an end of every other sign-in of the person made at
	 * {@code cutOff} from it, without signing in again.
	 */
	public LoginDetails carriedPast(Instant cutOff) {
		return new LoginDetails(this.sessionId, this.authenticatedAt, this.remoteAddress, this.trustedDevice,
				this.identityProvider, cutOff, this.begunAt);
	}

	/**
	 * When this session counts as begun for the person's list of sessions, and against an
	 * end of every sign-in for a principal an older node made (which keeps no end of its
	 * own: {@link dev.lanyard.server.user.LanyardUser#signInsNotBefore()}): its beginning
	 * here ({@link #begun()}), or a later cut-off it was carried past.
	 */
	public Instant standingFrom() {
		Instant begun = begun();
		return (this.carriedPast != null && this.carriedPast.isAfter(begun)) ? this.carriedPast : begun;
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
