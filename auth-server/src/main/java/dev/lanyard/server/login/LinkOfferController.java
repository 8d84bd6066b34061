package dev.lanyard.server.login;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.federation.FederatedLinks;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Right after a sign-in here that an upstream identity waited for (its provider links by
 * verified e-mail address): the person says whether to link it, then goes on to what they
 * asked for. Linking at the sign-in alone let anyone who sends a browser through a
 * provider's sign-in, with an identity of theirs carrying the person's address, have it
 * linked by the person's next sign-in.
 */
@Controller
class LinkOfferController {

	static final String PATH = "/login/link";

	private final FederatedLinks links;

	/** Where the person goes on to: the request saved before the sign-in, else home. */
	private final SavedRequestAwareAuthenticationSuccessHandler onwards = new SavedRequestAwareAuthenticationSuccessHandler();

	LinkOfferController(FederatedLinks links) {
		this.links = links;
	}

	@GetMapping(PATH)
	String offer(Authentication person, HttpServletRequest request, HttpServletResponse response, Model model)
			throws IOException, ServletException {
		Optional<FederatedLinks.Offer> offer = this.links.offered(request, id(person));
		if (offer.isEmpty()) {
			// Nothing (or no more) to ask: on to what the person asked for.
			this.onwards.onAuthenticationSuccess(request, response, person);
			return null;
		}
		model.addAttribute("offer", offer.get());
		return "link-offer";
	}

	@PostMapping(PATH)
	void answer(@RequestParam(name = "decision", defaultValue = "") String decision, Authentication person,
			HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
		this.links.answer(request, id(person), "link".equals(decision));
		this.onwards.onAuthenticationSuccess(request, response, person);
	}

	private static UUID id(Authentication person) {
		return ((LanyardUser) person.getPrincipal()).id();
	}

}
