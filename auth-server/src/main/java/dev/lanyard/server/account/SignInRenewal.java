package dev.lanyard.server.account;

import java.time.Instant;

import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * After a change that ends every other sign-in of the person (a new password, a second
 * factor added or removed: ASVS 5.0 7.4.3), this session goes on as one that signed in at
 * that moment (the current password was just proven), under a new session id, so a copy
 * of the old cookie does not carry on. "Sign out everywhere else", which proves nothing,
 * carries the session past the cut-off without making it a new sign-in.
 */
public final class SignInRenewal {

	private SignInRenewal() {
	}

	/**
	 * Ends every other sign-in of the person now (a factor was added or removed); this
	 * one goes on.
	 */
	public static void endOtherSignIns(Authentication person, UserService users, HttpServletRequest request) {
		continueFrom(person, users.endSignIns(((LanyardUser) person.getPrincipal()).id()), request);
	}

	/**
	 * Ends every other sign-in of the person now, asked from this one without any
	 * credential ("sign out everywhere else"): this one goes on past the cut-off, its
	 * sign-in time unchanged ({@link LoginDetails#carriedPast}), so that the request
	 * renews nothing that counts from a sign-in ({@code auth_time}, {@code max_age}, the
	 * absolute lifetime, recent-sign-in checks).
	 */
	public static void endOtherSignInsOnly(Authentication person, UserService users, HttpServletRequest request) {
		Instant cutOff = users.endSignIns(((LanyardUser) person.getPrincipal()).id());
		LoginDetails before = (person.getDetails() instanceof LoginDetails details) ? details : null;
		goOn(person, cutOff, (before != null) ? before.carriedPast(cutOff) : null, request);
	}

	/**
	 * @param signInsNotBefore the end of every earlier sign-in, as stored: this session
	 * goes on under it, as one begun at it
	 */
	public static void continueFrom(Authentication person, Instant signInsNotBefore, HttpServletRequest request) {
		LoginDetails before = (person.getDetails() instanceof LoginDetails details) ? details : null;
		goOn(person, signInsNotBefore, (before != null) ? before.at(signInsNotBefore) : null, request);
	}

	private static void goOn(Authentication person, Instant cutOff, LoginDetails details, HttpServletRequest request) {
		UsernamePasswordAuthenticationToken again = UsernamePasswordAuthenticationToken
			.authenticated(((LanyardUser) person.getPrincipal()).carriedPast(cutOff), null, person.getAuthorities());
		again.setDetails(details);
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(again);
		SecurityContextHolder.setContext(context);
		request.changeSessionId();
		request.getSession().setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
	}

}
