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
 * of the old cookie does not carry on.
 */
public final class SignInRenewal {

	private SignInRenewal() {
	}

	/**
	 * Ends every other sign-in of the person now (a factor was added or removed); this
	 * one goes on.
	 */
	public static void endOtherSignIns(Authentication person, UserService users, HttpServletRequest request) {
		continueFrom(person, users.endSignIns(((LanyardUser) person.getPrincipal()).id(), Instant.now()), request);
	}

	/**
	 * @param signInsNotBefore the moment every earlier sign-in ended, as stored
	 */
	public static void continueFrom(Authentication person, Instant signInsNotBefore, HttpServletRequest request) {
		LoginDetails before = (person.getDetails() instanceof LoginDetails details) ? details : null;
		UsernamePasswordAuthenticationToken again = UsernamePasswordAuthenticationToken
			.authenticated(person.getPrincipal(), null, person.getAuthorities());
		again.setDetails((before != null) ? before.at(signInsNotBefore) : null);
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(again);
		SecurityContextHolder.setContext(context);
		request.changeSessionId();
		request.getSession().setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
	}

}
