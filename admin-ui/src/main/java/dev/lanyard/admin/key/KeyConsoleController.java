package dev.lanyard.admin.key;

import dev.lanyard.admin.AdminIdentity;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's signing keys page. */
@Controller
@RequestMapping("/admin/keys")
class KeyConsoleController {

	private final KeyAdministration keys;

	private final AdminIdentity identity;

	KeyConsoleController(KeyAdministration keys, AdminIdentity identity) {
		this.keys = keys;
		this.identity = identity;
	}

	@GetMapping
	String list(Model model) {
		model.addAttribute("keys", this.keys.keys());
		return "admin/keys";
	}

	@PostMapping("/rotate")
	String rotate() {
		this.keys.rotate(this.identity.current());
		return "redirect:/admin/keys?rotated";
	}

	/**
	 * Withdraws the chosen key at once (the active one unless another is chosen); needs
	 * the password again, as it breaks tokens. The form names the key: sent twice, it
	 * withdraws that key once, not the one activated meanwhile.
	 */
	@PostMapping("/rotate-emergency")
	String rotateInEmergency(@RequestParam(required = false) String kid,
			@RequestParam(required = false) String confirmPassword, Model model) {
		if (!this.identity.confirmPassword(confirmPassword)) {
			model.addAttribute("keys", this.keys.keys());
			model.addAttribute("emergencyPasswordWrong", true);
			return "admin/keys";
		}
		if (kid == null || kid.isBlank()) {
			return "redirect:/admin/keys";
		}
		return this.keys.withdraw(kid, this.identity.current()) ? "redirect:/admin/keys?emergency"
				: "redirect:/admin/keys?already-withdrawn";
	}

}
