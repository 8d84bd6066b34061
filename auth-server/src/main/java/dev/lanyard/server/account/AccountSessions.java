package dev.lanyard.server.account;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.authorization.JdbcActiveGrants;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.login.SignInSessions;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Where the person is signed in, for their account page ({@link AccountController}): each
 * sign-in session still going on (browser, address, when signed in and last used), and
 * signing one of them out, or every one but this (OWASP ASVS 5.0 §7.4.5: "view and
 * terminate" active sessions). A session signed out here ends at its next request on
 * every node, and the tokens of the applications it signed in to are revoked with it (as
 * at sign-out: RFC 9700 §4.14.2; clients with back-channel logout are told).
 */
@Component
public final class AccountSessions {

	/**
	 * The revocation reason: a session ended by its person, like a sign-out (clients with
	 * back-channel logout are told).
	 */
	private static final String SIGNED_OUT = "logout";

	private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final SignInSessions sessions;

	private final JdbcUserAccountRepository accounts;

	private final UserService users;

	private final GrantRevocations revocations;

	private final AuditLog audit;

	private final JdbcActiveGrants grants;

	private final Duration idleTimeout;

	AccountSessions(SignInSessions sessions, JdbcUserAccountRepository accounts, UserService users,
			GrantRevocations revocations, AuditLog audit, JdbcActiveGrants grants, LanyardProperties properties) {
		this.grants = grants;
		this.sessions = sessions;
		this.accounts = accounts;
		this.users = users;
		this.revocations = revocations;
		this.audit = audit;
		this.idleTimeout = properties.login().sessionTimeout();
	}

	/**
	 * A session as the page lists it.
	 *
	 * @param sid its identifier (the form's, to sign it out)
	 * @param current whether it is the session asking
	 */
	record SessionRow(String sid, boolean current, String device, String address, String signedIn, String lastSeen) {
	}

	/** The person's sessions, this one first. */
	List<SessionRow> list(Authentication person) {
		UUID id = id(person);
		String current = sid(person);
		return this.sessions
			.active(id,
					this.accounts.standing(id).map(JdbcUserAccountRepository.Standing::signInsNotBefore).orElse(null),
					this.idleTimeout, current)
			.stream()
			.map((session) -> new SessionRow(session.sid(), session.sid().equals(current), session.device(),
					session.address(), MINUTES.format(session.signedInAt()), MINUTES.format(session.lastSeenAt())))
			.toList();
	}

	/**
	 * Signs out one of the person's other sessions and revokes its tokens (as at
	 * sign-out: clients with back-channel logout are told).
	 * @return whether it was theirs and still going on
	 */
	boolean end(Authentication person, String sid, HttpServletRequest request) {
		UUID id = id(person);
		if (sid.equals(sid(person)) || !this.sessions.end(id, sid)) {
			// This session signs out with "Sign out"; another person's, or one already
			// over, is left alone.
			return false;
		}
		int revoked = this.revocations.revokeBySession(sid, SIGNED_OUT);
		this.audit.record(id.toString(), "account.session_ended", "user:" + id, request.getRemoteAddr(),
				Map.of("session", sid, "tokens_revoked", revoked));
		return true;
	}

	/**
	 * Signs out every session of the person but this one, listed or not (too old to be
	 * listed, or begun before the list existed), and revokes the tokens every other
	 * session got.
	 */
	void endOthers(Authentication person, HttpServletRequest request) {
		UUID id = id(person);
		int[] ended = signOutOthers(person);
		// No credential was given: this session goes on past the cut-off, not as a new
		// sign-in (a stolen cookie must not renew its sign-in time by asking this).
		SignInRenewal.endOtherSignInsOnly(person, this.users, request);
		Map<String, Object> details = Map.of("sessions_ended", ended[0], "tokens_revoked", ended[1]);
		if (ended[0] > 0 || ended[1] > 0) {
			this.audit.record(id.toString(), "account.sessions_ended", "user:" + id, request.getRemoteAddr(), details);
		}
		else {
			// Nothing listed ended: asked again and again, once a minute at most.
			this.audit.recordRepeatable(id.toString(), "account.sessions_ended", "user:" + id, request.getRemoteAddr(),
					details);
		}
	}

	/**
	 * Ends every other sign-in of the person after a change of how they sign in (a second
	 * factor added or removed; ASVS 5.0 7.4.3), with the tokens those sessions got
	 * (clients with back-channel logout are told): a change made because a session was
	 * stolen takes the thief's refresh tokens too. This session goes on as one that
	 * signed in now (the current password was just proven).
	 */
	public void endOthersAfterChange(Authentication person, HttpServletRequest request) {
		signOutOthers(person);
		SignInRenewal.endOtherSignIns(person, this.users, request);
	}

	/**
	 * Signs out every session of the person but this one and revokes what they got.
	 * @return the sessions ended and the tokens revoked
	 */
	private int[] signOutOthers(Authentication person) {
		UUID id = id(person);
		String current = sid(person);
		int ended = this.sessions.endAllBut(id, current);
		int revoked = 0;
		for (String sid : this.grants.sessionsOf(id.toString())) {
			if (!sid.equals(current)) {
				revoked += this.revocations.revokeBySession(sid, SIGNED_OUT);
			}
		}
		return new int[] { ended, revoked };
	}

	private static UUID id(Authentication person) {
		return ((LanyardUser) person.getPrincipal()).id();
	}

	private static String sid(Authentication person) {
		return (person.getDetails() instanceof LoginDetails login) ? login.sessionId() : null;
	}

}
