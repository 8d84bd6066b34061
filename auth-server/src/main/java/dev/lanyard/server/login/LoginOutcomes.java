package dev.lanyard.server.login;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.LoginName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * What follows a sign-in attempt: metrics ({@code lanyard_logins_total{outcome}}), an
 * audit event, and the redirect. Every failure but throttling gets the same redirect and
 * page, so the response does not tell whether the account exists, is locked or disabled,
 * or the password was wrong (OWASP ASVS 5.0 §6.3.8). After success the user returns only
 * to the request saved on this server, never to a URL from a parameter.
 */
final class LoginOutcomes implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

	static final String METRIC = "lanyard.logins";

	private final SavedRequestAwareAuthenticationSuccessHandler savedRequests = new SavedRequestAwareAuthenticationSuccessHandler();

	private final AuditLog audit;

	private final JdbcUserAccountRepository users;

	private final MeterRegistry meters;

	private final TrustedDevices devices;

	LoginOutcomes(AuditLog audit, JdbcUserAccountRepository users, MeterRegistry meters, TrustedDevices devices) {
		this.audit = audit;
		this.users = users;
		this.meters = meters;
		this.devices = devices;
	}

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException, ServletException {
		count("succeeded");
		LanyardUser user = (LanyardUser) authentication.getPrincipal();
		this.audit.record(user.getUsername(), "login.succeeded", user.loginName(), request.getRemoteAddr(),
				browser(request));
		this.devices.remember(request, response, LoginName.canonical(user.loginName()));
		this.savedRequests.onAuthenticationSuccess(request, response, authentication);
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		boolean throttled = exception instanceof LoginThrottledException;
		count(throttled ? "throttled" : "failed");
		String typed = request.getParameter("username");
		// Only a name that matches an account is recorded: a password typed into the
		// username field must not end up in the audit log.
		String actor = this.users.findByLoginName(typed).map((account) -> account.id().toString()).orElse("unknown");
		this.audit.record(actor, throttled ? "login.throttled" : "login.failed", null, request.getRemoteAddr(),
				browser(request));
		// RFC 9700 §4.12: 302/303 after a form POST, never 307.
		response.setStatus(HttpServletResponse.SC_SEE_OTHER);
		response.setHeader("Location", request.getContextPath() + (throttled ? "/login?throttled" : "/login?error"));
	}

	private void count(String outcome) {
		Counter.builder(METRIC)
			.description("Sign-in attempts at the hosted login page, by outcome")
			.tag("outcome", outcome.toLowerCase(Locale.ROOT))
			.register(this.meters)
			.increment();
	}

	/**
	 * The browser, for the person's own list of sign-ins (a refused one above all): not a
	 * secret, cut short.
	 */
	private static Map<String, String> browser(HttpServletRequest request) {
		String agent = request.getHeader("User-Agent");
		return (agent != null) ? Map.of("user_agent", (agent.length() > 200) ? agent.substring(0, 200) : agent)
				: Map.of();
	}

}
