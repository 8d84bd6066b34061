package dev.lanyard.server.consent;

import dev.lanyard.server.PromptValues;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;

/**
 * When the consent page is shown, in place of the framework's rule (which never asks for
 * {@code openid} alone, so a client registered to require consent could get a signed-in
 * user's code silently):
 * <ul>
 * <li>{@code prompt=consent} always shows it (OpenID Connect Core §3.1.2.1: "The
 * Authorization Server SHOULD prompt the End-User for consent before returning
 * information to the Client");</li>
 * <li>a client registered with {@code require-consent} shows it until the user has
 * approved every requested scope, {@code openid} included.</li>
 * </ul>
 */
public final class ConsentRequirement {

	private ConsentRequirement() {
	}

	/** Whether the user must see the consent page for this request. */
	public static boolean isRequired(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
		OAuth2AuthorizationRequest request = context.getAuthorizationRequest();
		Object prompt = request.getAdditionalParameters().get(PromptValues.PARAMETER);
		if (PromptValues.of((prompt instanceof String value) ? value : null).contains("consent")) {
			return true;
		}
		if (!context.getRegisteredClient().getClientSettings().isRequireAuthorizationConsent()) {
			return false;
		}
		OAuth2AuthorizationConsent previous = context.getAuthorizationConsent();
		return previous == null || !previous.getScopes().containsAll(request.getScopes());
	}

}
