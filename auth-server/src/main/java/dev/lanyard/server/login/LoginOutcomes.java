package dev.lanyard.server.login;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.federation.FederatedLinks;
import dev.lanyard.server.federation.UpstreamLogout;
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
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.CsrfTokenRepository;

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

	private final CsrfAuthenticationStrategy csrf;

	private final SignInSessions signInSessions;

	private final Clock clock;

	private final FederatedLinks federatedLinks;

	private final UpstreamLogout upstreamLogout;

	LoginOutcomes(AuditLog audit, JdbcUserAccountRepository users, MeterRegistry meters, TrustedDevices devices,
			CsrfTokenRepository csrfTokens, SignInSessions signInSessions, FederatedLinks federatedLinks,
			UpstreamLogout upstreamLogout, Clock clock) {
		this.federatedLinks = federatedLinks;
		this.upstreamLogout = upstreamLogout;
		this.signInSessions = signInSessions;
		this.audit = audit;
		this.users = users;
		this.meters = meters;
		this.devices = devices;
		this.csrf = new CsrfAuthenticationStrategy(csrfTokens);
		this.clock = clock;
	}

	/**
	 * After the last factor (the password, or the password and the second factor), the
	 * person returns to what they asked for.
	 */
	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException, ServletException {
		LanyardUser user = (LanyardUser) authentication.getPrincipal();
		List<String> methods = AuthenticationMethods.of(authentication);
		if (!"/login".equals(request.getServletPath())) {
			// A new sign-in state (the second step, a passkey): the CSRF token changes
			// with it, as the form login changes it after the password.
			this.csrf.onAuthentication(authentication, request, response);
		}
		Boolean rememberDevice = TrustedDevices.chosen(request, PendingSignIn.of(request, this.clock.instant()));
		PendingSignIn.clear(request);
		count("succeeded");
		Map<String, Object> details = new LinkedHashMap<>(browser(request));
		details.put("amr", methods);
		// Which factors exactly (a recovery code and an app's code are both "otp").
		details.put("factors",
				AuthenticationMethods.factorsOf(authentication)
					.stream()
					.map((factor) -> factor.getAuthority())
					.toList());
		this.audit.record(user.getUsername(), "login.succeeded", user.loginName(), request.getRemoteAddr(), details);
		boolean linkOffered = false;
		if (authentication.getDetails() instanceof LoginDetails login) {
			if (login.identityProvider() == null) {
				// An upstream identity waiting for this account's own sign-in is offered
				// for linking now, and an earlier upstream sign-in in this browser is no
				// longer the one to sign out of.
				linkOffered = this.federatedLinks.signedIn(request, user.id());
				this.upstreamLogout.signedInHere(request);
			}
			this.signInSessions.begun(login.sessionId(), user.id(), login.identityProvider(), request.getRemoteAddr(),
					(String) browser(request).get("user_agent"));
		}
		if (Boolean.TRUE.equals(rememberDevice)) {
			this.devices.remember(request, response, LoginName.canonical(user.loginName()));
		}
		else if (Boolean.FALSE.equals(rememberDevice)) {
			this.devices.forget(request, response, LoginName.canonical(user.loginName()));
		}
		if (linkOffered) {
			// The person says whether to link it, then goes on (LinkOfferController).
			seeOther(request, response, LinkOfferController.PATH);
			return;
		}
		this.savedRequests.onAuthenticationSuccess(request, response, authentication);
	}

	/** Counts a sign-in that failed elsewhere (at an upstream identity provider). */
	void countFailure() {
		count("failed");
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		if (exception instanceof SecondFactorRequiredException required) {
			// Not signed in: the password's sign-in waits apart for the second factor.
			Authentication passwordSignIn = required.passwordSignIn();
			PendingSignIn.hold(request, passwordSignIn, this.clock.instant(), TrustedDevices.chosen(request, null));
			boolean federated = passwordSignIn.getDetails() instanceof LoginDetails login
					&& login.identityProvider() != null;
			this.audit.record(passwordSignIn.getName(),
					federated ? "login.federated_accepted" : "login.password_accepted", null, request.getRemoteAddr(),
					browser(request));
			seeOther(request, response, SecondFactorStep.PATH);
			return;
		}
		boolean throttled = exception instanceof LoginThrottledException;
		count(throttled ? "throttled" : "failed");
		if (PasskeySignIn.PATH.equals(request.getServletPath())) {
			recordFailure("unknown", throttled, throttled ? "login.throttled" : "login.failed", request,
					browser(request));
			seeOther(request, response, throttled ? "/login?throttled" : "/login?passkey");
			return;
		}
		if (request.getServletPath().startsWith(SecondFactorStep.PATH)) {
			PendingSignIn pending = PendingSignIn.of(request, this.clock.instant());
			if (exception instanceof SecondFactorStep.SignInEndedException) {
				PendingSignIn.clear(request);
				pending = null;
			}
			if (pending == null) {
				// Too late (or never asked): the password again.
				seeOther(request, response, "/login?expired");
				return;
			}
			recordFailure(pending.passwordSignIn().getName(), throttled,
					throttled ? "login.throttled" : "login.second_factor_failed", request, browser(request));
			boolean blocked = exception instanceof SecondFactorStep.SecondFactorBlockedException;
			boolean passkey = SecondFactorStep.PASSKEY_PATH.equals(request.getServletPath());
			seeOther(request, response, SecondFactorStep.PATH
					+ (throttled ? "?throttled" : blocked ? "?blocked" : passkey ? "?passkey" : "?error"));
			return;
		}
		String typed = request.getParameter("username");
		// Only a name that matches an account is recorded: a password typed into the
		// username field must not end up in the audit log.
		String actor = this.users.findByLoginName(typed).map((account) -> account.id().toString()).orElse("unknown");
		recordFailure(actor, throttled, throttled ? "login.throttled" : "login.failed", request, browser(request));
		seeOther(request, response, throttled ? "/login?throttled" : "/login?error");
	}

	/**
	 * A refused sign-in for the audit log: each wrong password or code (the throttle
	 * bounds them), but a throttled attempt, which costs nothing to repeat, once a minute
	 * per address ({@link AuditLog#recordRepeatable}; the metric counts them all).
	 */
	private void recordFailure(String actor, boolean throttled, String action, HttpServletRequest request,
			Map<String, ?> details) {
		if (throttled) {
			this.audit.recordRepeatable(actor, action, null, request.getRemoteAddr(), details);
		}
		else {
			this.audit.record(actor, action, null, request.getRemoteAddr(), details);
		}
	}

	/** RFC 9700 §4.12: 302/303 after a form POST, never 307. */
	static void seeOther(HttpServletRequest request, HttpServletResponse response, String path) {
		response.setStatus(HttpServletResponse.SC_SEE_OTHER);
		response.setHeader("Location", request.getContextPath() + path);
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
	private static Map<String, Object> browser(HttpServletRequest request) {
		String agent = request.getHeader("User-Agent");
		return (agent != null) ? Map.of("user_agent", (agent.length() > 200) ? agent.substring(0, 200) : agent)
				: Map.of();
	}

}
