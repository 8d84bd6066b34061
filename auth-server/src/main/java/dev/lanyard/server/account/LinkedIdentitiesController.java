package dev.lanyard.server.account;

import java.util.UUID;

import dev.lanyard.server.federation.FederatedLinks;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The account page's upstream identities: link one more (the browser goes to the
 * provider, whose answer links to the signed-in person), unlink one while another way to
 * sign in remains. Posted forms with the page's CSRF token. Linking asks for the current
 * password ({@link CurrentPassword}): a link is a way into the account that outlives a
 * password change, so a stolen session must not be able to add one.
 */
@Controller
class LinkedIdentitiesController {

	private final FederatedLinks links;

	private final CurrentPassword currentPassword;

	LinkedIdentitiesController(FederatedLinks links, CurrentPassword currentPassword) {
		this.links = links;
		this.currentPassword = currentPassword;
	}

	@PostMapping("/account/identities/{providerId}/link")
	String link(Authentication person, @PathVariable String providerId,
			@RequestParam(name = "current", required = false) String current, HttpServletRequest request,
			RedirectAttributes redirect) {
		String problem = this.currentPassword.problem(person, current, request);
		if (problem != null) {
			redirect.addFlashAttribute("notice", problem);
			return "redirect:/account#identities";
		}
		if (!this.links.request(request, id(person), providerId)) {
			redirect.addFlashAttribute("notice", "identities.link-refused");
			return "redirect:/account#identities";
		}
		return "redirect:/login/with/" + providerId;
	}

	@PostMapping("/account/identities/{providerId}/unlink")
	String unlink(Authentication person, @PathVariable String providerId, HttpServletRequest request,
			RedirectAttributes redirect) {
		redirect.addFlashAttribute("notice", this.links.unlink(id(person), providerId, request.getRemoteAddr())
				? "identities.unlinked" : "identities.unlink-refused");
		return "redirect:/account#identities";
	}

	private static UUID id(Authentication person) {
		return ((LanyardUser) person.getPrincipal()).id();
	}

}
