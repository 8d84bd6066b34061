package dev.lanyard.server.secondfactor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.account.AccountSessions;
import dev.lanyard.server.account.CurrentPassword;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.codec.binary.Base32;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * The account page's two-step sign-in: adding an authenticator app (a secret shown as a
 * QR code and as text, confirmed by a first code from the app and the current password),
 * recovery codes (shown once, when made), and removing both. Adding and removing need the
 * current password, so a session left open cannot lock its owner out or weaken the
 * account.
 */
@Controller
class AuthenticatorAppController {

	private final TotpAuthenticators authenticators;

	private final RecoveryCodes recoveryCodes;

	private final CurrentPassword currentPassword;

	private final SecondFactors secondFactors;

	private final AccountSessions sessions;

	private final AuditLog audit;

	private final String issuerLabel;

	AuthenticatorAppController(TotpAuthenticators authenticators, RecoveryCodes recoveryCodes,
			CurrentPassword currentPassword, SecondFactors secondFactors, AccountSessions sessions, AuditLog audit,
			LanyardProperties properties) {
		this.secondFactors = secondFactors;
		this.sessions = sessions;
		this.authenticators = authenticators;
		this.recoveryCodes = recoveryCodes;
		this.currentPassword = currentPassword;
		this.audit = audit;
		// What the app shows above the codes: this server's host name.
		this.issuerLabel = properties.issuer().getAuthority();
	}

	@PostMapping("/account/authenticator/begin")
	String begin(Authentication person, HttpServletRequest request, RedirectAttributes redirect) {
		LanyardUser user = (LanyardUser) person.getPrincipal();
		if (this.authenticators.begin(user.id()).isEmpty()) {
			redirect.addFlashAttribute("twoStepProblem", "authenticator.already");
			return "redirect:/account#two-step";
		}
		return "redirect:/account/authenticator";
	}

	@GetMapping("/account/authenticator")
	String enrolment(Authentication person, Model model) {
		LanyardUser user = (LanyardUser) person.getPrincipal();
		Optional<byte[]> secret = this.authenticators.pending(user.id());
		if (secret.isEmpty()) {
			return "redirect:/account#two-step";
		}
		String base32 = new Base32().encodeAsString(secret.get()).replace("=", "");
		String label = this.issuerLabel + ":" + user.loginName();
		String uri = "otpauth://totp/" + UriUtils.encode(label, StandardCharsets.UTF_8) + "?secret=" + base32
				+ "&issuer=" + UriUtils.encode(this.issuerLabel, StandardCharsets.UTF_8) + "&algorithm=SHA1&digits="
				+ Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
		model.addAttribute("qrCode", TotpQrCode.svg(uri));
		model.addAttribute("secret", base32.replaceAll("(.{4})(?!$)", "$1 "));
		return "authenticator";
	}

	@PostMapping("/account/authenticator/confirm")
	String confirm(Authentication person, @RequestParam(defaultValue = "") String code,
			@RequestParam(defaultValue = "") String current, HttpServletRequest request, Model model,
			RedirectAttributes redirect) {
		UUID id = ((LanyardUser) person.getPrincipal()).id();
		String refused = this.currentPassword.problem(person, current, request);
		if (refused == null && !this.authenticators.confirm(id, code.replace(" ", "").strip())) {
			refused = "authenticator.code-wrong";
		}
		if (refused != null) {
			redirect.addFlashAttribute("enrolmentProblem", refused);
			return "redirect:/account/authenticator";
		}
		this.sessions.endOthersAfterChange(person, request);
		this.audit.record(id.toString(), "account.authenticator_added", "user:" + id, request.getRemoteAddr(),
				Map.of());
		return recoveryCodes(id, model);
	}

	@PostMapping("/account/recovery-codes")
	String newRecoveryCodes(Authentication person, @RequestParam(defaultValue = "") String current,
			HttpServletRequest request, Model model, RedirectAttributes redirect) {
		UUID id = ((LanyardUser) person.getPrincipal()).id();
		String refused = this.currentPassword.problem(person, current, request);
		if (refused == null && !this.secondFactors.enrolled(id)) {
			refused = "authenticator.none";
		}
		if (refused != null) {
			redirect.addFlashAttribute("twoStepProblem", refused);
			return "redirect:/account#two-step";
		}
		this.audit.record(id.toString(), "account.recovery_codes_replaced", "user:" + id, request.getRemoteAddr(),
				Map.of());
		return recoveryCodes(id, model);
	}

	@PostMapping("/account/authenticator/remove")
	String remove(Authentication person, @RequestParam(defaultValue = "") String current, HttpServletRequest request,
			RedirectAttributes redirect) {
		UUID id = ((LanyardUser) person.getPrincipal()).id();
		String refused = this.currentPassword.problem(person, current, request);
		if (refused != null) {
			redirect.addFlashAttribute("twoStepProblem", refused);
			return "redirect:/account#two-step";
		}
		SecondFactors.Removal removal = this.secondFactors.remove(id, null);
		if (removal == SecondFactors.Removal.LAST_FACTOR) {
			redirect.addFlashAttribute("twoStepProblem", "two-step.last-factor");
			return "redirect:/account#two-step";
		}
		if (removal == SecondFactors.Removal.REMOVED) {
			this.sessions.endOthersAfterChange(person, request);
			this.audit.record(id.toString(), "account.authenticator_removed", "user:" + id, request.getRemoteAddr(),
					Map.of());
		}
		redirect.addFlashAttribute("notice", "authenticator.removed");
		return "redirect:/account#two-step";
	}

	/** New recovery codes, shown on this one page and never again. */
	private String recoveryCodes(UUID id, Model model) {
		List<String> codes = this.recoveryCodes.replace(id);
		model.addAttribute("codes", codes);
		return "recovery-codes";
	}

}
