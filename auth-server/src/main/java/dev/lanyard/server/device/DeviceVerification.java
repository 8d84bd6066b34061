package dev.lanyard.server.device;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

/**
 * The person's side of the device authorization grant (RFC 8628 §3.3): finds the pending
 * request a typed user code names, and approves or denies it for the signed-in person.
 * The approval is the framework's
 * ({@link OAuth2DeviceVerificationAuthenticationProvider}: the user code used up, the
 * person and the scopes recorded for the device's next poll); the confirmation before it
 * is Lanyard's page, always shown (RFC 8628 §5.4: a code from a link must not grant
 * anything without the person seeing which application asks). Thread-safe.
 */
@Component
public class DeviceVerification {

	private static final OAuth2TokenType USER_CODE = new OAuth2TokenType(OAuth2ParameterNames.USER_CODE);

	/**
	 * The framework's user codes (RFC 8628 §6.1): eight letters of a 20-letter alphabet
	 * without vowels, shown as two groups of four.
	 */
	private static final String USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";

	private final OAuth2AuthorizationService authorizations;

	private final RegisteredClientRepository clients;

	private final OAuth2AuthorizationConsentService consents;

	private final OAuth2DeviceVerificationAuthenticationProvider approvals;

	DeviceVerification(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients,
			OAuth2AuthorizationConsentService consents) {
		this.authorizations = authorizations;
		this.clients = clients;
		this.consents = consents;
		this.approvals = new OAuth2DeviceVerificationAuthenticationProvider(clients, authorizations, consents);
		// The confirmation page is the consent: asked every time, before approve().
		this.approvals.setAuthorizationConsentRequired((context) -> false);
	}

	/**
	 * A device's request waiting for a person.
	 *
	 * @param userCode the user code, as the framework issued it
	 * @param client the device's client
	 * @param scopes the scopes it asks for
	 */
	public record Pending(String userCode, RegisteredClient client, Set<String> scopes) {

		/**
		 * What the person is shown: the client's name, or its client id when it has none
		 * (the framework then puts its internal id in the name).
		 */
		public String clientName() {
			String name = this.client.getClientName();
			return (name == null || name.isBlank() || name.equals(this.client.getId())) ? this.client.getClientId()
					: name;
		}

	}

	/**
	 * The pending request a typed code names: the code unused and unexpired, its client
	 * still enabled. Letters in either case, with or without the dash or spaces.
	 */
	public Optional<Pending> find(String typed) {
		String userCode = normalize(typed);
		if (userCode == null) {
			return Optional.empty();
		}
		OAuth2Authorization authorization = this.authorizations.findByToken(userCode, USER_CODE);
		if (authorization == null) {
			return Optional.empty();
		}
		OAuth2Authorization.Token<OAuth2UserCode> code = authorization.getToken(OAuth2UserCode.class);
		RegisteredClient client = this.clients.findById(authorization.getRegisteredClientId());
		Set<String> scopes = authorization.getAttribute(OAuth2ParameterNames.SCOPE);
		if (code == null || !code.isActive() || client == null || scopes == null) {
			return Optional.empty();
		}
		return Optional.of(new Pending(userCode, client, Set.copyOf(scopes)));
	}

	/**
	 * The person allows the device: its next poll gets tokens for them. The scopes join
	 * what the person allowed the client before, as a consent page's do.
	 * @return {@code false} if the code was used, denied or expired meanwhile
	 */
	public boolean approve(Pending pending, Authentication person) {
		try {
			this.approvals
				.authenticate(new OAuth2DeviceVerificationAuthenticationToken(person, pending.userCode(), Map.of()));
		}
		catch (OAuth2AuthenticationException ex) {
			// Another tab or node decided first, or it expired: nothing granted here.
			return false;
		}
		OAuth2AuthorizationConsent previous = this.consents.findById(pending.client().getId(), person.getName());
		OAuth2AuthorizationConsent.Builder consent = (previous != null) ? OAuth2AuthorizationConsent.from(previous)
				: OAuth2AuthorizationConsent.withId(pending.client().getId(), person.getName());
		pending.scopes().forEach(consent::scope);
		this.consents.save(consent.build());
		return true;
	}

	/**
	 * The person refuses: the device's next poll gets {@code access_denied}.
	 * @return {@code false} if the code was used or expired meanwhile
	 */
	public boolean deny(Pending pending) {
		OAuth2Authorization authorization = this.authorizations.findByToken(pending.userCode(), USER_CODE);
		OAuth2Authorization.Token<OAuth2UserCode> pendingCode = (authorization != null)
				? authorization.getToken(OAuth2UserCode.class) : null;
		if (pendingCode == null || !pendingCode.isActive()) {
			return false;
		}
		OAuth2Authorization.Builder denied = OAuth2Authorization.from(authorization);
		OAuth2Authorization.Token<OAuth2UserCode> userCode = authorization.getToken(OAuth2UserCode.class);
		OAuth2Authorization.Token<OAuth2DeviceCode> deviceCode = authorization.getToken(OAuth2DeviceCode.class);
		if (userCode != null) {
			denied.invalidate(userCode.getToken());
		}
		if (deviceCode != null) {
			denied.invalidate(deviceCode.getToken());
		}
		try {
			this.authorizations.save(denied.build());
		}
		catch (OAuth2AuthenticationException ex) {
			// Changed meanwhile (allowed in another tab or on another node).
			return false;
		}
		return true;
	}

	/**
	 * "bcdf ghjk", "BCDF-GHJK" and "bcdfghjk" are all BCDF-GHJK; anything else none. As
	 * people type it (RFC 8628 §6.1): full-width letters from an East Asian input method
	 * are the letters (NFKC), and any dash (an en dash from autocorrection) or space (a
	 * no-break space) separates.
	 */
	static String normalize(String typed) {
		if (typed == null || typed.length() > 32) {
			return null;
		}
		StringBuilder letters = new StringBuilder();
		String compatible = Normalizer.normalize(typed, Normalizer.Form.NFKC);
		for (char c : compatible.toUpperCase(Locale.ROOT).toCharArray()) {
			if (c == '-' || Character.getType(c) == Character.DASH_PUNCTUATION || Character.isWhitespace(c)
					|| Character.isSpaceChar(c)) {
				continue;
			}
			if (USER_CODE_LETTERS.indexOf(c) < 0) {
				return null;
			}
			letters.append(c);
		}
		return (letters.length() == 8) ? letters.substring(0, 4) + "-" + letters.substring(4) : null;
	}

}
