package dev.lanyard.server.account;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginThrottle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Forgot password?": {@code /forgot} asks for the e-mail address and answers the same
 * whatever it is (no account enumeration); {@code /reset} takes the link's token and a
 * new password. Requests, and links that do not work, are counted per client address like
 * password checks. Both pages are "not found" where password reset is off (no SMTP server
 * in production).
 */
@Controller
class PasswordResetController {

	private final PasswordResets resets;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	PasswordResetController(PasswordResets resets, LoginThrottle throttle, AuditLog audit) {
		this.resets = resets;
		this.throttle = throttle;
		this.audit = audit;
	}

	@GetMapping("/forgot")
	String forgot(Model model, HttpServletResponse response) {
		if (!this.resets.enabled()) {
			return notFound(response);
		}
		model.addAttribute("step", "ask");
		return "reset";
	}

	@PostMapping("/forgot")
	String requested(@RequestParam(defaultValue = "") String email, Locale locale, HttpServletRequest request,
			Model model, HttpServletResponse response) {
		if (!this.resets.enabled()) {
			return notFound(response);
		}
		// Each request counts against the address, never given back: a flood of reset
		// mails to someone is a nuisance this bounds.
		if (!this.throttle.tryAcquire(LoginAttempt.forPurpose("password-reset", null, request.getRemoteAddr()))) {
			model.addAttribute("step", "ask");
			model.addAttribute("problem", "reset.throttled");
			return "reset";
		}
		this.resets.request(email, locale, request.getRemoteAddr());
		model.addAttribute("step", "sent");
		return "reset";
	}

	@GetMapping("/reset")
	String reset(@RequestParam(defaultValue = "") String token, Model model, HttpServletResponse response) {
		if (!this.resets.enabled()) {
			return notFound(response);
		}
		model.addAttribute("step", this.resets.accountOf(token).isPresent() ? "choose" : "expired");
		model.addAttribute("token", token);
		return "reset";
	}

	@PostMapping("/reset")
	String chosen(@RequestParam(defaultValue = "") String token, @RequestParam(defaultValue = "") String password,
			@RequestParam(defaultValue = "") String passwordAgain, HttpServletRequest request, Model model,
			HttpServletResponse response) {
		if (!this.resets.enabled()) {
			return notFound(response);
		}
		model.addAttribute("token", token);
		if (!password.equals(passwordAgain)) {
			model.addAttribute("step", "choose");
			model.addAttribute("problem", "setup.password-mismatch");
			return "reset";
		}
		// Made-up or used links count against the address, like wrong passwords.
		LoginAttempt attempt = LoginAttempt.forPurpose("password-reset-use", null, request.getRemoteAddr());
		if (!this.throttle.tryAcquire(attempt)) {
			model.addAttribute("step", "choose");
			model.addAttribute("problem", "reset.throttled");
			return "reset";
		}
		Optional<UUID> account;
		try {
			account = this.resets.reset(token, password);
		}
		catch (InputRejectedException ex) {
			this.throttle.release(attempt);
			model.addAttribute("step", "choose");
			model.addAttribute("problem", ex.problems().get(0).code());
			return "reset";
		}
		if (account.isEmpty()) {
			this.audit.record("unknown", "account.password_reset_refused", null, request.getRemoteAddr(), Map.of());
			model.addAttribute("step", "expired");
			return "reset";
		}
		this.throttle.release(attempt);
		this.audit.record(account.get().toString(), "account.password_reset", "user:" + account.get(),
				request.getRemoteAddr(), Map.of());
		model.addAttribute("step", "done");
		return "reset";
	}

	private static String notFound(HttpServletResponse response) {
		response.setStatus(HttpServletResponse.SC_NOT_FOUND);
		return "error";
	}

}
