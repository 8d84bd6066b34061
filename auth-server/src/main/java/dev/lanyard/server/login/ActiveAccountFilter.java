package dev.lanyard.server.login;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a login session whose account was disabled or locked since sign-in, that began
 * before the account's sessions were ended (a password change, an administrator signing
 * the person out everywhere), or that the person ended from their account page, before
 * the session is used to authorize a client, approve a device or open a page (OWASP ASVS
 * 5.0 §7.4.2, §7.4.3), or that has lived its absolute lifetime since the sign-in however
 * busy it was (ASVS 5.0 §7.3.2; the idle timeout, §7.3.1, is the session store's). The
 * request then continues as anonymous, so it meets the login page.
 */
public final class ActiveAccountFilter extends OncePerRequestFilter {

	private final JdbcUserAccountRepository users;

	private final SignInSessions signInSessions;

	private final Duration maxLifetime;

	private final Clock clock;

	/**
	 * @param maxLifetime how long a login session lasts after its sign-in at most
	 */
	public ActiveAccountFilter(JdbcUserAccountRepository users, SignInSessions signInSessions, Duration maxLifetime,
			Clock clock) {
		this.users = users;
		this.signInSessions = signInSessions;
		this.maxLifetime = maxLifetime;
		this.clock = clock;
	}

	/** Style sheets and images say nothing about the account: no lookup for them. */
	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getServletPath();
		return path.startsWith("/css/") || path.startsWith("/img/") || path.startsWith("/js/")
				|| "/favicon.ico".equals(path);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof LanyardUser user) {
			LoginDetails login = (authentication.getDetails() instanceof LoginDetails details) ? details : null;
			// Its beginning here: a sign-in through an upstream provider may carry the
			// provider's older auth_time.
			Instant signedInAt = (login != null) ? login.begun() : null;
			// When the session counts as signed in for the person's list of sessions,
			// and against an end of every sign-in for a principal an older node made
			// (Standing#allows): a cut-off this session was carried past (the person
			// ended every other one from it) counts, without counting as a sign-in
			// anywhere else (its lifetime runs from the sign-in).
			Instant standingFrom = (login != null) ? login.standingFrom() : null;
			boolean goesOn = withinLifetime(request, signedInAt) && this.users
				.standing(user.id(), (login != null) ? login.sessionId() : null, standingFrom,
						(login != null) ? login.identityProvider() : null)
				.map((standing) -> standing.allows(user, standingFrom))
				.orElse(false);
			if (!goesOn) {
				if (login != null) {
					// Off the person's list of sessions too (the statement above may have
					// just noted it as used).
					this.signInSessions.signedOut(login.sessionId());
				}
				SecurityContextHolder.clearContext();
				HttpSession session = request.getSession(false);
				if (session != null) {
					session.invalidate();
				}
			}
		}
		chain.doFilter(request, response);
	}

	/** Counted from the sign-in, else from the session's creation. */
	private boolean withinLifetime(HttpServletRequest request, Instant signedInAt) {
		Instant since = signedInAt;
		if (since == null) {
			HttpSession session = request.getSession(false);
			if (session == null) {
				return true;
			}
			since = Instant.ofEpochMilli(session.getCreationTime());
		}
		return this.clock.instant().isBefore(since.plus(this.maxLifetime));
	}

}
