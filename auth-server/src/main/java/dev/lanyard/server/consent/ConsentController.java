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

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The consent page: which client asks, and what each requested scope lets it do, in plain
 * words (OWASP ASVS 5.0 §10.7.1). The form goes back to the authorization endpoint, which
 * checks the {@code state} it issued for this request. The page itself is shown only for
 * such a state, pending for this person and this client, and lists the scopes that
 * request asked for: never ones a link made up (it would put any words under a real
 * client's name on this server's page).
 */
@Controller
class ConsentController {

	private final ClientService clients;

	private final OAuth2AuthorizationConsentService consents;

	private final OAuth2AuthorizationService authorizations;

	ConsentController(ClientService clients, OAuth2AuthorizationConsentService consents,
			OAuth2AuthorizationService authorizations) {
		this.clients = clients;
		this.consents = consents;
		this.authorizations = authorizations;
	}

	@GetMapping("/oauth2/consent")
	String consent(Principal principal, Model model, HttpServletResponse response,
			@RequestParam("client_id") String clientId, @RequestParam("state") String state) {
		OAuthClient client = this.clients.findByClientId(clientId).filter(OAuthClient::enabled).orElse(null);
		if (client == null) {
			// Unknown, or disabled since the request began: a bad request, not an error
			// of the server's.
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
		}
		OAuth2Authorization pending = this.authorizations.findByToken(state,
				new OAuth2TokenType(OAuth2ParameterNames.STATE));
		OAuth2AuthorizationRequest asked = (pending != null)
				? pending.getAttribute(OAuth2AuthorizationRequest.class.getName()) : null;
		if (asked == null || !client.id().equals(pending.getRegisteredClientId())
				|| !principal.getName().equals(pending.getPrincipalName())) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
		}
		OAuth2AuthorizationConsent previous = this.consents.findById(client.id(), principal.getName());
		Set<String> approved = (previous != null) ? previous.getScopes() : Set.of();
		List<String> toApprove = new ArrayList<>();
		List<String> alreadyApproved = new ArrayList<>();
		for (String requested : new LinkedHashSet<>(asked.getScopes())) {
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
		model.addAttribute("openid", asked.getScopes().contains(OidcScopes.OPENID));
		return "consent";
	}

}
