package dev.lanyard.admin.registration;

import java.time.Duration;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.InvalidInputException;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's page for initial access tokens: the usable ones, a form to create one
 * (its value shown once, on the page that answers the form), and revocation.
 */
@Controller
@RequestMapping("/admin/registration-tokens")
class RegistrationTokenConsoleController {

	private final RegistrationTokenAdministration tokens;

	private final AdminIdentity identity;

	RegistrationTokenConsoleController(RegistrationTokenAdministration tokens, AdminIdentity identity) {
		this.tokens = tokens;
		this.identity = identity;
	}

	@GetMapping
	String list(Model model) {
		model.addAttribute("tokens", this.tokens.usable());
		return "admin/registration-tokens";
	}

	@PostMapping
	String create(@RequestParam(defaultValue = "") String description, @RequestParam(defaultValue = "1") String uses,
			@RequestParam(defaultValue = "1") String days, @RequestParam(required = false) String confirmPassword,
			Model model) {
		// Up to a thousand registrations: the password again, as for a client that
		// receives codes.
		if (!this.identity.confirmPassword(confirmPassword)) {
			model.addAttribute("passwordWrong", true);
			return refused(model, description, uses, days);
		}
		int count;
		Duration lifetime;
		try {
			count = Integer.parseInt(uses.strip());
			lifetime = Duration.ofDays(Long.parseLong(days.strip()));
		}
		catch (NumberFormatException | ArithmeticException ex) {
			// Not a number, or more days than a duration holds (this was a 500).
			return refused(model, description, uses, days);
		}
		try {
			RegistrationTokenAdministration.CreatedToken created = this.tokens.create(description.strip(), count,
					lifetime, this.identity.current());
			model.addAttribute("created", created);
		}
		catch (InvalidInputException ex) {
			return refused(model, description, uses, days);
		}
		model.addAttribute("tokens", this.tokens.usable());
		return "admin/registration-tokens";
	}

	@PostMapping("/{id}/revoke")
	String revoke(@PathVariable String id) {
		this.tokens.revoke(id, this.identity.current());
		return "redirect:/admin/registration-tokens?revoked";
	}

	private String refused(Model model, String description, String uses, String days) {
		model.addAttribute("refused", true);
		model.addAttribute("description", description);
		model.addAttribute("uses", uses);
		model.addAttribute("days", days);
		model.addAttribute("tokens", this.tokens.usable());
		return "admin/registration-tokens";
	}

}
