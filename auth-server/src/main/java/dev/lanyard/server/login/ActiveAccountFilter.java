package dev.lanyard.server.login;

import java.io.IOException;

import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserAccount;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a login session whose account was disabled or locked since sign-in, before the
 * session is used to authorize a client or open the console (OWASP ASVS 5.0 §7.4.2). The
 * request then continues as anonymous, so it meets the login page.
 */
public final class ActiveAccountFilter extends OncePerRequestFilter {

	private final JdbcUserAccountRepository users;

	public ActiveAccountFilter(JdbcUserAccountRepository users) {
		this.users = users;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof LanyardUser user) {
			boolean active = this.users.findById(user.id()).map(UserAccount::active).orElse(false);
			if (!active) {
				SecurityContextHolder.clearContext();
				HttpSession session = request.getSession(false);
				if (session != null) {
					session.invalidate();
				}
			}
		}
		chain.doFilter(request, response);
	}

}
