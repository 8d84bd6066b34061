package dev.lanyard.server.passkey;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.account.AccountSessions;
import dev.lanyard.server.account.CurrentPassword;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.secondfactor.RecoveryCodes;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.MessageSource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The account page's passkeys: adding one (the browser makes it for the options given
 * here, {@code /js/passkeys.js}; the current password confirms) and removing one (the
 * password again). Either ends every other sign-in of the person (ASVS 5.0 7.4.3).
 */
@Controller
class PasskeyController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A passkey's name on the page, as the person typed it. */
	private static final int LONGEST_LABEL = 100;

	private final Passkeys passkeys;

	private final CurrentPassword currentPassword;

	private final AccountSessions sessions;

	private final AuditLog audit;

	private final SecondFactors secondFactors;

	private final RecoveryCodes recoveryCodes;

	private final MessageSource messages;

	PasskeyController(Passkeys passkeys, CurrentPassword currentPassword, AccountSessions sessions, AuditLog audit,
			SecondFactors secondFactors, RecoveryCodes recoveryCodes, MessageSource messages) {
		this.messages = messages;
		this.secondFactors = secondFactors;
		this.recoveryCodes = recoveryCodes;
		this.passkeys = passkeys;
		this.currentPassword = currentPassword;
		this.sessions = sessions;
		this.audit = audit;
	}

	/**
	 * The options for a new passkey, once the current password is confirmed: asked first,
	 * so that a wrong password never leaves a passkey on the device that this server does
	 * not know.
	 */
	@PostMapping(path = "/account/passkeys/options", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> creationOptions(Authentication person, @RequestParam(defaultValue = "") String current,
			HttpServletRequest request, Locale locale) {
		String refused = this.currentPassword.problem(person, current, request);
		if (refused != null) {
			return ResponseEntity.badRequest()
				.contentType(MediaType.APPLICATION_JSON)
				.body(JSON.writeValueAsString(Map.of("problem", this.messages.getMessage(refused, null, locale))));
		}
		if (this.passkeys.full(((LanyardUser) person.getPrincipal()).id())) {
			return ResponseEntity.badRequest()
				.contentType(MediaType.APPLICATION_JSON)
				.body(JSON.writeValueAsString(Map.of("problem", this.messages.getMessage("passkeys.too-many",
						new Object[] { Passkeys.MOST_PER_ACCOUNT }, locale))));
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.passkeys.creationOptions(request, person));
	}

	/**
	 * Registers the passkey made for this session's options (given only after the
	 * password, {@link #creationOptions}).
	 */
	@PostMapping("/account/passkeys")
	String add(Authentication person, @RequestParam(defaultValue = "") String label,
			@RequestParam(defaultValue = "") String credential, HttpServletRequest request, Model model,
			RedirectAttributes redirect) {
		UUID id = ((LanyardUser) person.getPrincipal()).id();
		String name = nameOf(label);
		if (name == null) {
			return problem(redirect, "passkeys.label-needed");
		}
		Optional<Passkeys.Passkey> added = this.passkeys.register(request, person, credential, name);
		if (added.isEmpty()) {
			return problem(redirect, "passkeys.not-added");
		}
		this.sessions.endOthersAfterChange(person, request);
		this.audit.record(id.toString(), "account.passkey_added", "user:" + id, request.getRemoteAddr(),
				Map.of("label", name));
		Optional<List<String>> codes = this.recoveryCodes.replaceIfNoneLeft(id);
		if (codes.isPresent()) {
			// The first second factor: sign-in now asks for it, so recovery codes, shown
			// once, for a lost device.
			model.addAttribute("codes", codes.get());
			return "recovery-codes";
		}
		redirect.addFlashAttribute("notice", "passkeys.added");
		return "redirect:/account#passkeys";
	}

	/**
	 * Gives one of the person's passkeys a new name (nothing about signing in changes).
	 */
	@PostMapping("/account/passkeys/{credentialId}/rename")
	String rename(Authentication person, @PathVariable String credentialId,
			@RequestParam(defaultValue = "") String label, HttpServletRequest request, RedirectAttributes redirect) {
		UUID id = ((LanyardUser) person.getPrincipal()).id();
		String name = nameOf(label);
		if (name == null) {
			return problem(redirect, "passkeys.label-needed");
		}
		if (!this.passkeys.rename(id, credentialId, name)) {
			return problem(redirect, "passkeys.not-found");
		}
		this.audit.record(id.toString(), "account.passkey_renamed", "user:" + id, request.getRemoteAddr(),
				Map.of("label", name));
		redirect.addFlashAttribute("notice", "passkeys.renamed");
		return "redirect:/account#passkeys";
	}

	@PostMapping("/account/passkeys/{credentialId}/remove")
	String remove(Authentication person, @PathVariable String credentialId,
			@RequestParam(defaultValue = "") String current, HttpServletRequest request, RedirectAttributes redirect) {
		UUID id = ((LanyardUser) person.getPrincipal()).id();
		String refused = this.currentPassword.problem(person, current, request);
		if (refused != null) {
			return problem(redirect, refused);
		}
		SecondFactors.Removal removal = this.secondFactors.remove(id, credentialId);
		if (removal == SecondFactors.Removal.LAST_FACTOR) {
			return problem(redirect, "two-step.last-factor");
		}
		if (removal == SecondFactors.Removal.NOT_FOUND) {
			this.audit.record(id.toString(), "account.passkey_remove_refused", "user:" + id, request.getRemoteAddr(),
					Map.of());
			return problem(redirect, "passkeys.not-found");
		}
		this.sessions.endOthersAfterChange(person, request);
		this.audit.record(id.toString(), "account.passkey_removed", "user:" + id, request.getRemoteAddr(), Map.of());
		redirect.addFlashAttribute("notice", "passkeys.removed");
		return "redirect:/account#passkeys";
	}

	/**
	 * The name the person gave a passkey, or {@code null} when it is empty or too long.
	 */
	private static String nameOf(String label) {
		String name = label.strip();
		return (name.isEmpty() || name.length() > LONGEST_LABEL) ? null : name;
	}

	private static String problem(RedirectAttributes redirect, String problem) {
		redirect.addFlashAttribute("passkeyProblem", problem);
		return "redirect:/account#passkeys";
	}

}
