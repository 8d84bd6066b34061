package dev.lanyard.server.account;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.federation.FederatedLinks;
import dev.lanyard.server.authorization.ActiveGrant;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.authorization.JdbcActiveGrants;
import dev.lanyard.server.client.JdbcOAuthClientRepository;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.StandardClaim;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
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

	/** What browsers may fill each field with (WCAG 2.1 §1.3.5). */
	private static final Map<String, String> AUTOCOMPLETE = Map.ofEntries(Map.entry("name", "name"),
			Map.entry("given_name", "given-name"), Map.entry("family_name", "family-name"),
			Map.entry("middle_name", "additional-name"), Map.entry("nickname", "nickname"), Map.entry("website", "url"),
			Map.entry("picture", "photo"), Map.entry("profile", "url"), Map.entry("gender", "sex"),
			Map.entry("birthdate", "bday"), Map.entry("zoneinfo", "off"), Map.entry("locale", "language"),
			Map.entry("phone_number", "tel"), Map.entry("address.street_address", "street-address"),
			Map.entry("address.locality", "address-level2"), Map.entry("address.region", "address-level1"),
			Map.entry("address.postal_code", "postal-code"), Map.entry("address.country", "country-name"));

	private static final int HISTORY = 10;

	/**
	 * The factors the sign-in history names, each with a message
	 * {@code account.method.<value>}.
	 */
	private static final Set<String> SIGN_IN_METHODS = Set.of("pwd", "otp", "hwk", "fed");

	private final UserService users;

	private final JdbcActiveGrants grants;

	private final GrantRevocations revocations;

	private final JdbcOAuthClientRepository clients;

	private final AuditLog audit;

	private final CurrentPassword currentPassword;

	private final PasswordChange passwords;

	private final OAuth2AuthorizationConsentService consents;

	private final EmailVerifications verifications;

	private final SecondFactors secondFactors;

	private final Passkeys passkeys;

	private final AccountSessions sessions;

	private final FederatedLinks links;

	AccountController(UserService users, JdbcActiveGrants grants, GrantRevocations revocations,
			JdbcOAuthClientRepository clients, AuditLog audit, CurrentPassword currentPassword,
			PasswordChange passwords, OAuth2AuthorizationConsentService consents, EmailVerifications verifications,
			SecondFactors secondFactors, Passkeys passkeys, AccountSessions sessions, FederatedLinks links) {
		this.links = links;
		this.passkeys = passkeys;
		this.sessions = sessions;
		this.users = users;
		this.grants = grants;
		this.revocations = revocations;
		this.clients = clients;
		this.audit = audit;
		this.currentPassword = currentPassword;
		this.secondFactors = secondFactors;
		this.passwords = passwords;
		this.consents = consents;
		this.verifications = verifications;
	}

	/** Times as the page shows them: UTC, to the minute or second. */
	private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	/** An application holding a grant of the person's. */
	record Application(String grantId, String clientName, List<String> scopes, String since) {
	}

	/**
	 * A passkey of the person's; {@code lastUsed} is {@code null} before its first use.
	 */
	record PasskeyRow(String id, String label, String created, String lastUsed) {
	}

	/** An upstream identity provider as the page shows it to the person. */
	record IdentityRow(String providerId, String displayName, boolean linked, String email, String lastUsed,
			boolean canUnlink) {
	}

	/**
	 * A sign-in (or a refused one) of the person's; {@code methods} are the RFC 8176
	 * values of a sign-in's factors ({@code pwd}, {@code otp}, {@code hwk}), none for a
	 * refused one.
	 */
	record SignIn(String action, String at, String address, String device, List<String> methods) {
	}

	@GetMapping("/account")
	String account(Authentication person, Model model,
			@RequestParam(name = "second-factor-required", required = false) String secondFactorRequired,
			@RequestParam(name = "linked", required = false) String linked,
			@RequestParam(name = "link-refused", required = false) String linkRefused) {
		model.addAttribute("secondFactorRequired", secondFactorRequired != null);
		if (linked != null || linkRefused != null) {
			// Back from an upstream identity provider (FederatedSignIn).
			model.addAttribute("notice", (linked != null) ? "identities.linked" : "identities.link-refused");
		}
		UserAccount account = this.users.get(id(person));
		model.addAttribute("account", account);
		if (!model.containsAttribute("claims")) {
			model.addAttribute("claims", account.claims());
		}
		model.addAttribute("editableClaims", EDITABLE_CLAIMS);
		model.addAttribute("canVerifyEmail", account.email() != null
				&& !"true".equals(account.claims().get("email_verified")) && this.verifications.enabled());
		model.addAttribute("autocomplete", AUTOCOMPLETE);
		List<Application> applications = new ArrayList<>();
		for (ActiveGrant grant : this.grants.forPrincipal(account.id().toString())) {
			String name = this.clients.findById(grant.registeredClientId())
				.map((client) -> (client.clientName() != null && !client.clientName().isBlank()) ? client.clientName()
						: client.clientId())
				.orElse("?");
			applications.add(new Application(grant.id(), name, grant.scopes(), MINUTES.format(grant.createdAt())));
		}
		model.addAttribute("applications", applications);
		model.addAttribute("secondFactors", this.secondFactors.status(account.id()));
		model.addAttribute("passkeys",
				this.passkeys.list(account.id())
					.stream()
					.map((passkey) -> new PasskeyRow(passkey.id(), passkey.label(), MINUTES.format(passkey.created()),
							passkey.lastUsed().equals(passkey.created()) ? null : MINUTES.format(passkey.lastUsed())))
					.toList());
		model.addAttribute("sessions", this.sessions.list(person));
		model.addAttribute("identities",
				this.links.rows(account.id())
					.stream()
					.map((row) -> new IdentityRow(row.providerId(), row.displayName(), row.linked(), row.email(),
							(row.lastUsed() != null) ? MINUTES.format(row.lastUsed()) : null, row.canUnlink()))
					.toList());
		model.addAttribute("signIns", this.audit.search(account.id().toString(), "login.", null, null, HISTORY, 0)
			.stream()
			.map((event) -> new SignIn(event.action(), SECONDS.format(event.occurredAt()), event.clientAddress(),
					(event.details() != null && event.details().get("user_agent") instanceof String agent) ? agent
							: null,
					methodsOf(event.details())))
			.toList());
		return "account";
	}

	@PostMapping("/account/profile")
	String profile(Authentication person, @RequestParam Map<String, String> form, HttpServletRequest request,
			RedirectAttributes redirect) {
		UUID id = id(person);
		Map<String, String> changes = new LinkedHashMap<>();
		for (String name : EDITABLE_CLAIMS) {
			String value = form.get("claim." + name);
			if (value != null) {
				changes.put(name, value);
			}
		}
		Set<String> changed;
		try {
			// Only these claims, under the row's lock; verifications stay only for values
			// that did not change (StandardClaim).
			changed = this.users.updateClaims(id, changes);
		}
		catch (InputRejectedException ex) {
			List<String> fields = new ArrayList<>();
			ex.problems().forEach((problem) -> fields.add(problem.field().replaceFirst("^claims\\.", "")));
			Map<String, String> shown = new LinkedHashMap<>(this.users.get(id).claims());
			shown.putAll(changes);
			redirect.addFlashAttribute("profileProblems", fields);
			redirect.addFlashAttribute("claims", shown);
			return "redirect:/account#profile";
		}
		// Which claims, never their values; a save that changed nothing is no event (the
		// table nothing empties would grow by a row per click).
		if (!changed.isEmpty()) {
			this.audit.record(id.toString(), "account.profile_changed", "user:" + id, request.getRemoteAddr(),
					Map.of("claims", String.join(" ", changed)));
		}
		redirect.addFlashAttribute("notice", "account.profile-saved");
		return "redirect:/account#profile";
	}

	@PostMapping("/account/password")
	String password(Authentication person, @RequestParam(defaultValue = "") String current,
			@RequestParam(name = "password", defaultValue = "") String password,
			@RequestParam(name = "passwordAgain", defaultValue = "") String passwordAgain, HttpServletRequest request,
			RedirectAttributes redirect) {
		UserAccount account = this.users.get(id(person));
		String refused = this.currentPassword.problem(person, current, request);
		if (refused != null) {
			return passwordProblem(redirect, refused);
		}
		if (!password.equals(passwordAgain)) {
			return passwordProblem(redirect, "setup.password-mismatch");
		}
		PasswordChange.Result changed;
		try {
			changed = this.passwords.change(account.id(), password);
		}
		catch (InputRejectedException ex) {
			return passwordProblem(redirect, ex.problems().get(0).code());
		}
		// Every other sign-in and every grant ended (the gateways hear it at once): this
		// session goes on as one begun now, under a new id, the password just typed being
		// a sign-in.
		SignInRenewal.continueFrom(person, changed.signInsNotBefore(), request);
		this.audit.record(account.id().toString(), "account.password_changed", "user:" + account.id(),
				request.getRemoteAddr(), Map.of("grants_revoked", changed.grantsRevoked()));
		redirect.addFlashAttribute("notice", "account.password-changed");
		return "redirect:/account#password";
	}

	@PostMapping("/account/email/verify")
	String verifyEmail(Authentication person, Locale locale, HttpServletRequest request, RedirectAttributes redirect) {
		boolean queued = this.verifications.send(id(person), locale, request.getRemoteAddr());
		redirect.addFlashAttribute("notice",
				queued ? "account.email-verification-sent" : "account.email-verification-wait");
		return "redirect:/account";
	}

	/**
	 * The link only shows the confirmation: mail scanners fetch links, and a fetch must
	 * not verify an address nobody confirmed.
	 */
	@GetMapping("/verify-email")
	String confirmEmail(@RequestParam(defaultValue = "") String token, Model model) {
		model.addAttribute("step", "confirm");
		model.addAttribute("token", token);
		return "email-verified";
	}

	@PostMapping("/verify-email")
	String emailVerified(@RequestParam(defaultValue = "") String token, HttpServletRequest request, Model model) {
		Optional<UUID> account = this.verifications.verify(token);
		account.ifPresent((id) -> this.audit.record(id.toString(), "account.email_verified", "user:" + id,
				request.getRemoteAddr(), Map.of()));
		model.addAttribute("step", account.isPresent() ? "verified" : "expired");
		return "email-verified";
	}

	@PostMapping("/account/applications/{grantId}/revoke")
	String revoke(Authentication person, @PathVariable String grantId, HttpServletRequest request,
			RedirectAttributes redirect) {
		String userId = id(person).toString();
		Optional<ActiveGrant> grant = this.grants.find(grantId).filter((found) -> userId.equals(found.principalName()));
		if (grant.isEmpty()) {
			// Not this person's (or no longer live): nothing happens, and it is recorded,
			// once a minute for the person and network (each refusal would add a row).
			this.audit.recordRepeatable(userId, "account.application_revoke_refused", "user:" + userId,
					request.getRemoteAddr(),
					Map.of("grant", (grantId.length() > 64) ? grantId.substring(0, 64) : grantId));
			return "redirect:/account#applications";
		}
		this.revocations.revokeById(grant.get().id(), "user");
		// The remembered consent goes too: the application must ask again.
		OAuth2AuthorizationConsent consent = this.consents.findById(grant.get().registeredClientId(), userId);
		if (consent != null) {
			this.consents.remove(consent);
		}
		this.audit.record(userId, "account.application_revoked", "grant:" + grant.get().id(), request.getRemoteAddr(),
				Map.of());
		redirect.addFlashAttribute("notice", "account.application-revoked");
		return "redirect:/account#applications";
	}

	@PostMapping("/account/sessions/{sid}/end")
	String endSession(Authentication person, @PathVariable String sid, HttpServletRequest request,
			RedirectAttributes redirect) {
		redirect.addFlashAttribute("notice",
				this.sessions.end(person, sid, request) ? "account.session-ended" : "account.session-not-found");
		return "redirect:/account#sessions";
	}

	@PostMapping("/account/sessions/end-others")
	String endOtherSessions(Authentication person, HttpServletRequest request, RedirectAttributes redirect) {
		this.sessions.endOthers(person, request);
		redirect.addFlashAttribute("notice", "account.sessions-ended");
		return "redirect:/account#sessions";
	}

	@PostMapping("/account/applications/revoke-all")
	String revokeAll(Authentication person, HttpServletRequest request, RedirectAttributes redirect) {
		String userId = id(person).toString();
		int revoked = this.revocations.revokeByPrincipal(userId, "user");
		if (revoked > 0) {
			this.audit.record(userId, "account.applications_revoked", "user:" + userId, request.getRemoteAddr(),
					Map.of("count", revoked));
		}
		else {
			// Nothing revoked: asked again and again, once a minute at most.
			this.audit.recordRepeatable(userId, "account.applications_revoked", "user:" + userId,
					request.getRemoteAddr(), Map.of("count", revoked));
		}
		redirect.addFlashAttribute("notice", "account.applications-revoked");
		return "redirect:/account#applications";
	}

	private static String passwordProblem(RedirectAttributes redirect, String problem) {
		redirect.addFlashAttribute("passwordProblem", problem);
		return "redirect:/account#password";
	}

	/** The factors a sign-in's audit event names, without the summary {@code mfa}. */
	private static List<String> methodsOf(Map<String, Object> details) {
		if (details == null || !(details.get("amr") instanceof List<?> methods)) {
			return List.of();
		}
		return methods.stream()
			.filter((method) -> method instanceof String && !AuthenticationMethods.MULTIPLE_FACTORS.equals(method))
			.map(String.class::cast)
			.filter(SIGN_IN_METHODS::contains)
			.toList();
	}

	private static UUID id(Authentication person) {
		return ((LanyardUser) person.getPrincipal()).id();
	}

}
