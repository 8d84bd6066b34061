package dev.lanyard.server.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /activate}, the verification page of the device authorization grant (RFC 8628
 * §3.3), in the login page's style: the signed-in person types the code the device shows
 * (or arrives with it from {@code verification_uri_complete}), sees which application
 * asks for what, and allows or denies. Nothing is granted without that confirmation, sent
 * with the page's CSRF token (RFC 8628 §5.4), for the code this session was shown the
 * confirmation of and no other. Wrong codes count against the person and their address
 * like wrong passwords (RFC 8628 §5.1: user codes are short), so guessing the code of
 * someone else's device is throttled.
 */
@Controller
class ActivateController {

	/** The session attribute naming the code whose confirmation was shown. */
	static final String CONFIRMING = ActivateController.class.getName() + ".confirming";

	private final DeviceVerification devices;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	private final StepUp stepUp;

	private final SecondFactors secondFactors;

	ActivateController(DeviceVerification devices, LoginThrottle throttle, AuditLog audit, StepUp stepUp,
			SecondFactors secondFactors) {
		this.devices = devices;
		this.throttle = throttle;
		this.audit = audit;
		this.stepUp = stepUp;
		this.secondFactors = secondFactors;
	}

	/**
	 * Whether approving for this client needs a second factor this session has not given
	 * (the client's {@code require-mfa}, the person's {@code mfa-required}).
	 */
	private boolean secondFactorMissing(DeviceVerification.Pending pending, Authentication person) {
		return (LanyardRegisteredClientRepository.requireMfa(pending.client())
				|| this.secondFactors.requiredFor(((LanyardUser) person.getPrincipal()).id()))
				&& !StepUp.multiFactor(person);
	}

	@GetMapping("/activate")
	String enter(@RequestParam(name = "user_code", required = false) String userCode, Model model) {
		model.addAttribute("step", "enter");
		model.addAttribute("userCode", (userCode != null && userCode.length() <= 32) ? userCode : "");
		return "activate";
	}

	@PostMapping("/activate")
	String check(@RequestParam(name = "user_code", defaultValue = "") String userCode, Authentication person,
			HttpServletRequest request, Model model) {
		LoginAttempt attempt = attempt(person, request);
		if (!this.throttle.tryAcquire(attempt)) {
			// Once a minute at most: a signed-in person could post on and on, and the
			// audit table is kept for as long as the operator sets (for ever by default).
			this.audit.recordRepeatable(person.getName(), "device.code-throttled", "user:" + person.getName(),
					request.getRemoteAddr(), Map.of());
			return enterAgain(model, userCode, "throttled");
		}
		Optional<DeviceVerification.Pending> pending = this.throttle.checking(attempt,
				() -> this.devices.find(userCode));
		if (pending.isEmpty()) {
			// The slot stays taken: a wrong code counts.
			this.audit.record(person.getName(), "device.code-refused", null, request.getRemoteAddr(), Map.of());
			return enterAgain(model, userCode, "unknown");
		}
		this.throttle.release(attempt);
		DeviceVerification.Pending found = pending.get();
		if (secondFactorMissing(found, person)) {
			if (!this.stepUp.possible(person)) {
				return "redirect:/account?second-factor-required#two-step";
			}
			// The second factor, then back to this code's page.
			request.getSession()
				.setAttribute("SPRING_SECURITY_SAVED_REQUEST",
						new SimpleSavedRequest("/activate?user_code=" + found.userCode()));
			return "redirect:" + this.stepUp.hold(request, person);
		}
		request.getSession().setAttribute(CONFIRMING, found.userCode());
		List<String> scopes = new ArrayList<>();
		for (String scope : found.scopes()) {
			if (!OidcScopes.OPENID.equals(scope)) {
				scopes.add(scope);
			}
		}
		scopes.sort(null);
		model.addAttribute("step", "confirm");
		model.addAttribute("userCode", found.userCode());
		model.addAttribute("clientId", found.client().getClientId());
		model.addAttribute("clientName", found.clientName());
		model.addAttribute("scopes", scopes);
		return "activate";
	}

	@PostMapping("/activate/confirm")
	String confirm(@RequestParam(name = "user_code", defaultValue = "") String userCode,
			@RequestParam(name = "decision", defaultValue = "") String decision, Authentication person,
			HttpServletRequest request, Model model) {
		// Only the code this session was shown the confirmation of: a code posted here
		// directly would skip the throttle on wrong codes.
		jakarta.servlet.http.HttpSession session = request.getSession(false);
		Object confirming = (session != null) ? session.getAttribute(CONFIRMING) : null;
		if (confirming == null || !confirming.equals(DeviceVerification.normalize(userCode))) {
			LoginAttempt attempt = attempt(person, request);
			this.throttle.tryAcquire(attempt);
			// Counted, but not refused by the throttle: once a minute at most.
			this.audit.recordRepeatable(person.getName(), "device.code-refused", "user:" + person.getName(),
					request.getRemoteAddr(), Map.of());
			return enterAgain(model, "", "unknown");
		}
		session.removeAttribute(CONFIRMING);
		Optional<DeviceVerification.Pending> pending = this.devices.find(userCode);
		boolean allowed = "allow".equals(decision);
		if (allowed && pending.isPresent() && secondFactorMissing(pending.get(), person)) {
			return enterAgain(model, "", "unknown");
		}
		if (pending.isEmpty()
				|| !(allowed ? this.devices.approve(pending.get(), person) : this.devices.deny(pending.get()))) {
			// Used, expired or denied meanwhile (another tab, another node).
			return enterAgain(model, "", "unknown");
		}
		String clientId = pending.get().client().getClientId();
		this.audit.record(person.getName(), allowed ? "device.allowed" : "device.denied", clientId,
				request.getRemoteAddr(), Map.of("scopes", String.join(" ", pending.get().scopes())));
		model.addAttribute("step", allowed ? "allowed" : "denied");
		model.addAttribute("clientName", pending.get().clientName());
		return "activate";
	}

	private static String enterAgain(Model model, String userCode, String error) {
		model.addAttribute("step", "enter");
		model.addAttribute("userCode", (userCode.length() <= 32) ? userCode : "");
		model.addAttribute("error", error);
		return "activate";
	}

	/** Wrong codes count per person and per address, apart from their passwords. */
	private static LoginAttempt attempt(Authentication person, HttpServletRequest request) {
		return LoginAttempt.forPurpose("device-code", person.getName(), request.getRemoteAddr());
	}

}
