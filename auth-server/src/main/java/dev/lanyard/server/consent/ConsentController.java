package dev.lanyard.server.consent;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.OAuthClient;
import dev.lanyard.server.web.ClientLogo;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The consent page: which client asks, and what each requested scope lets it do, in plain
 * words (OWASP ASVS 5.0 §10.7.1). The form goes back to the authorization endpoint, which
 * checks the {@code state} it issued for this request.
 */
@Controller
class ConsentController {

	private final ClientService clients;

	private final OAuth2AuthorizationConsentService consents;

	ConsentController(ClientService clients, OAuth2AuthorizationConsentService consents) {
		this.clients = clients;
		this.consents = consents;
	}

	@GetMapping("/oauth2/consent")
	String consent(Principal principal, Model model, HttpServletResponse response,
			@RequestParam("client_id") String clientId, @RequestParam("scope") String scope,
			@RequestParam("state") String state) {
		OAuthClient client = this.clients.findByClientId(clientId).filter(OAuthClient::enabled).orElse(null);
		if (client == null) {
			return "redirect:/error";
		}
		OAuth2AuthorizationConsent previous = this.consents.findById(client.id(), principal.getName());
		Set<String> approved = (previous != null) ? previous.getScopes() : Set.of();
		List<String> toApprove = new ArrayList<>();
		List<String> alreadyApproved = new ArrayList<>();
		for (String requested : new LinkedHashSet<>(List.of(scope.split(" ")))) {
			if (requested.isEmpty() || OidcScopes.OPENID.equals(requested)) {
				continue;
			}
			(approved.contains(requested) ? alreadyApproved : toApprove).add(requested);
		}
		model.addAttribute("clientId", client.clientId());
		model.addAttribute("clientName", client.clientName());
		ClientLogo.show(model, response, client.logoUri());
		model.addAttribute("state", state);
		model.addAttribute("scopes", toApprove);
		model.addAttribute("approvedScopes", alreadyApproved);
		model.addAttribute("openid", scope.contains(OidcScopes.OPENID));
		return "consent";
	}

}
