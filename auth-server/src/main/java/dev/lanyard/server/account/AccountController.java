package dev.lanyard.server.account;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.ActiveGrant;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.authorization.JdbcActiveGrants;
import dev.lanyard.server.client.JdbcOAuthClientRepository;
import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.StandardClaim;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /account}: the signed-in person's own account, in the login page's style. They
 * change their profile (the standard claims, not their e-mail address or what was
 * verified), their password (the current one first, the password policy, and every other
 * sign-in session and every grant ends), see the applications holding grants and end them
 * (gateways hear it at once), and see their recent sign-ins. Every form carries the
 * page's CSRF token; every change is audited.
 */
@Controller
class AccountController {

	/** The claims a person edits themselves: never e-mail or a verification. */
	static final List<String> EDITABLE_CLAIMS = List.of("name", "given_name", "family_name", "middle_name", "nickname",
			"website", "picture", "profile", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
			"address.street_address", "address.locality", "address.region", "address.postal_code", "address.country");

	private static final int HISTORY = 10;

	private final UserService users;

	private final JdbcActiveGrants grants;

	private final GrantRevocations revocations;

	private final JdbcOAuthClientRepository clients;

	private final AuditLog audit;

	private final LoginThrottle throttle;

	private final Clock clock;

	AccountController(UserService users, JdbcActiveGrants grants, GrantRevocations revocations,
			JdbcOAuthClientRepository clients, AuditLog audit, LoginThrottle throttle, Clock clock) {
		this.users = users;
		this.grants = grants;
		this.revocations = revocations;
		this.clients = clients;
		this.audit = audit;
		this.throttle = throttle;
		this.clock = clock;
	}

	/** Times as the page shows them: UTC, to the minute or second. */
	private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	/** An application holding a grant of the person's. */
	record Application(String grantId, String clientName, List<String> scopes, String since) {
	}

	/** A sign-in (or a refused one) of the person's. */
	record SignIn(String action, String at, String address, String device) {
	}

	@GetMapping("/account")
	String account(Authentication person, Model model) {
		UserAccount account = this.users.get(id(person));
		model.addAttribute("account", account);
		if (!model.containsAttribute("claims")) {
			model.addAttribute("claims", account.claims());
		}
		model.addAttribute("editableClaims", EDITABLE_CLAIMS);
		List<Application> applications = new ArrayList<>();
		for (ActiveGrant grant : this.grants.forPrincipal(account.id().toString())) {
			String name = this.clients.findById(grant.registeredClientId())
				.map((client) -> (client.clientName() != null && !client.clientName().isBlank()) ? client.clientName()
						: client.clientId())
				.orElse("?");
			applications.add(new Application(grant.id(), name, grant.scopes(), MINUTES.format(grant.createdAt())));
		}
		model.addAttribute("applications", applications);
		model.addAttribute("signIns", this.audit.search(account.id().toString(), "login.", null, null, HISTORY, 0)
			.stream()
			.map((event) -> new SignIn(event.action(), SECONDS.format(event.occurredAt()), event.clientAddress(),
					(event.details() != null && event.details().get("user_agent") instanceof String agent) ? agent
							: null))
			.toList());
		return "account";
	}

	@PostMapping("/account/profile")
	String profile(Authentication person, @RequestParam Map<String, String> form, HttpServletRequest request,
			RedirectAttributes redirect) {
		UserAccount account = this.users.get(id(person));
		Map<String, String> claims = new LinkedHashMap<>(account.claims());
		for (String name : EDITABLE_CLAIMS) {
			String value = form.get("claim." + name);
			if (value != null) {
				claims.put(name, value);
			}
		}
		try {
			// Verifications stay only for values that did not change (StandardClaim).
			this.users.update(account.id(), account.username(), account.email(), account.enabled(), account.locked(),
					account.roles(), account.attributes(), claims);
		}
		catch (InputRejectedException ex) {
			List<String> fields = new ArrayList<>();
			ex.problems().forEach((problem) -> fields.add(problem.field().replaceFirst("^claims\\.", "")));
			redirect.addFlashAttribute("profileProblems", fields);
			redirect.addFlashAttribute("claims", claims);
			return "redirect:/account#profile";
		}
		this.audit.record(account.id().toString(), "account.profile_changed", "user:" + account.id(),
				request.getRemoteAddr(), Map.of());
		redirect.addFlashAttribute("notice", "account.profile-saved");
		return "redirect:/account#profile";
	}

	@PostMapping("/account/password")
	String password(Authentication person, @RequestParam(defaultValue = "") String current,
			@RequestParam(name = "password", defaultValue = "") String password,
			@RequestParam(name = "passwordAgain", defaultValue = "") String passwordAgain, HttpServletRequest request,
			RedirectAttributes redirect) {
		UserAccount account = this.users.get(id(person));
		// A stolen session must not turn into password guesses: the password budget.
		LoginAttempt attempt = LoginAttempt.of(((LanyardUser) person.getPrincipal()).loginName(), null,
				request.getRemoteAddr());
		if (!this.throttle.tryAcquire(attempt)) {
			return passwordProblem(redirect, "login.throttled");
		}
		if (!this.users.passwordMatches(account.id(), current)) {
			this.audit.record(account.id().toString(), "account.password_refused", "user:" + account.id(),
					request.getRemoteAddr(), Map.of());
			return passwordProblem(redirect, "account.password-current-wrong");
		}
		this.throttle.release(attempt);
		if (!password.equals(passwordAgain)) {
			return passwordProblem(redirect, "setup.password-mismatch");
		}
		try {
			this.users.setPassword(account.id(), password);
		}
		catch (InputRejectedException ex) {
			return passwordProblem(redirect, ex.problems().get(0).code());
		}
		// Every grant ends (the gateways hear it at once), and every other sign-in: this
		// session goes on as one begun now, the password just typed being a sign-in.
		int revoked = this.revocations.revokeByPrincipal(account.id().toString(), "password_changed");
		Instant now = this.users.endSignIns(account.id(), this.clock.instant());
		signedInAgain(person, now, request);
		this.audit.record(account.id().toString(), "account.password_changed", "user:" + account.id(),
				request.getRemoteAddr(), Map.of("grants_revoked", revoked));
		redirect.addFlashAttribute("notice", "account.password-changed");
		return "redirect:/account#password";
	}

	@PostMapping("/account/applications/{grantId}/revoke")
	String revoke(Authentication person, @PathVariable String grantId, HttpServletRequest request,
			RedirectAttributes redirect) {
		String userId = id(person).toString();
		Optional<ActiveGrant> grant = this.grants.find(grantId).filter((found) -> userId.equals(found.principalName()));
		if (grant.isPresent()) {
			this.revocations.revokeById(grant.get().id(), "user");
			this.audit.record(userId, "account.application_revoked", "grant:" + grant.get().id(),
					request.getRemoteAddr(), Map.of());
			redirect.addFlashAttribute("notice", "account.application-revoked");
		}
		return "redirect:/account#applications";
	}

	@PostMapping("/account/applications/revoke-all")
	String revokeAll(Authentication person, HttpServletRequest request, RedirectAttributes redirect) {
		String userId = id(person).toString();
		int revoked = this.revocations.revokeByPrincipal(userId, "user");
		this.audit.record(userId, "account.applications_revoked", "user:" + userId, request.getRemoteAddr(),
				Map.of("count", revoked));
		redirect.addFlashAttribute("notice", "account.applications-revoked");
		return "redirect:/account#applications";
	}

	private static String passwordProblem(RedirectAttributes redirect, String problem) {
		redirect.addFlashAttribute("passwordProblem", problem);
		return "redirect:/account#password";
	}

	private static UUID id(Authentication person) {
		return ((LanyardUser) person.getPrincipal()).id();
	}

	/**
	 * This session goes on as one that signed in now (the current password was just
	 * proven), so the end of every earlier sign-in does not end it.
	 */
	private static void signedInAgain(Authentication person, Instant now, HttpServletRequest request) {
		LoginDetails before = (person.getDetails() instanceof LoginDetails details) ? details : null;
		UsernamePasswordAuthenticationToken again = UsernamePasswordAuthenticationToken
			.authenticated(person.getPrincipal(), null, person.getAuthorities());
		again.setDetails((before != null)
				? new LoginDetails(before.sessionId(), now, before.remoteAddress(), before.trustedDevice()) : null);
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(again);
		SecurityContextHolder.setContext(context);
		request.getSession().setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
	}

}
