package dev.lanyard.server.protocol;

import java.util.List;

import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.lanyard.server.PromptValues;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.user.ClaimsRequest;
import dev.lanyard.server.user.LanyardUser;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * Authorization request rules Lanyard adds to the framework's. They run after the
 * {@link RedirectUriRule}, so their errors are redirected only to an accepted redirect
 * URI.
 * <ul>
 * <li>{@code response_mode} other than {@code query} is refused: answering in another
 * mode than the client asked for would be worse than refusing (OWASP ASVS 5.0
 * §10.4.12).</li>
 * <li>A {@code code_challenge} must look like an S256 challenge: 43 base64url characters
 * (RFC 7636 §4.2).</li>
 * <li>A {@code claims} parameter must be a JSON object of the shape OpenID Connect Core
 * §5.5 gives it ({@link ClaimsRequest}).</li>
 * </ul>
 */
final class AuthorizationRequestRules implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

	private static final Set<String> SUPPORTED_RESPONSE_MODES = Set.of("query");

	private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

	/** Whether a person must sign in with two factors whatever the client. */
	private final Predicate<UUID> personRequiresMultiFactor;

	AuthorizationRequestRules(Predicate<UUID> personRequiresMultiFactor) {
		this.personRequiresMultiFactor = personRequiresMultiFactor;
	}

	@Override
	public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		Object responseMode = request.getAdditionalParameters().get("response_mode");
		if (responseMode != null && !(responseMode instanceof String mode && SUPPORTED_RESPONSE_MODES.contains(mode))) {
			throw invalidRequest(context, "Unsupported response_mode; Lanyard answers in the query");
		}
		Object challenge = request.getAdditionalParameters().get(PkceParameterNames.CODE_CHALLENGE);
		if (challenge != null && !(challenge instanceof String value && S256_CHALLENGE.matcher(value).matches())) {
			throw invalidRequest(context, "code_challenge must be the S256 challenge: 43 base64url characters");
		}
		Object claims = request.getAdditionalParameters().get(ClaimsRequest.PARAMETER);
		if (claims != null) {
			ClaimsRequest asked;
			try {
				asked = ClaimsRequest.parse((claims instanceof String text) ? text : "");
			}
			catch (IllegalArgumentException ex) {
				throw invalidRequest(context, ex.getMessage());
			}
			requireMet(context, asked);
		}
		requireClientMet(context);
	}

	/**
	 * A client registered with {@code require-mfa} gets codes for sign-ins with two
	 * factors only; the step-up before this ({@link StepUpFilter}) normally met it, and a
	 * request that may show no page ({@code prompt=none}) gets
	 * {@code interaction_required} (OpenID Connect Core §3.1.2.6).
	 */
	private void requireClientMet(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
		if (!(context.getAuthentication().getPrincipal() instanceof Authentication signedIn)
				|| !signedIn.isAuthenticated() || !(signedIn.getPrincipal() instanceof LanyardUser user)
				|| !LanyardRegisteredClientRepository.requireMfa(context.getRegisteredClient())
						&& !this.personRequiresMultiFactor.test(user.id())) {
			return;
		}
		if (!AuthenticationMethods.of(signedIn).contains(AuthenticationMethods.MULTIPLE_FACTORS)) {
			OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
			Object prompt = request.getAdditionalParameters().get(PromptValues.PARAMETER);
			boolean silent = PromptValues.of((prompt instanceof String text) ? text : null).contains("none");
			throw AuthorizationErrors.redirected(context,
					new OAuth2Error(silent ? "interaction_required" : OAuth2ErrorCodes.ACCESS_DENIED,
							"The client or the account requires a sign-in with two factors", null));
		}
	}

	/**
	 * OpenID Connect Core §5.5.1: tokens for another user than the {@code sub} asked for
	 * are never issued; §5.5.1.1: an essential {@code acr} Lanyard cannot meet is a
	 * failed authentication. Checked once someone is signed in (the request comes back
	 * here after the login page).
	 */
	private static void requireMet(OAuth2AuthorizationCodeRequestAuthenticationContext context, ClaimsRequest asked) {
		if (!(context.getAuthentication().getPrincipal() instanceof Authentication signedIn)
				|| !signedIn.isAuthenticated() || !(signedIn.getPrincipal() instanceof LanyardUser user)) {
			return;
		}
		if (asked.subject() != null && !asked.subject().equals(user.id().toString())) {
			throw AuthorizationErrors.redirected(context, new OAuth2Error("login_required",
					"Signed in as another user than the sub the claims parameter asks for", null));
		}
		List<String> methods = AuthenticationMethods.of(signedIn);
		if (!asked.essentialAcr().isEmpty()
				&& asked.essentialAcr().stream().noneMatch((acr) -> AuthenticationMethods.meets(methods, acr))) {
			throw AuthorizationErrors.redirected(context, new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED,
					"The sign-in meets none of the essential acr values", null));
		}
	}

	private static OAuth2AuthorizationCodeRequestAuthenticationException invalidRequest(
			OAuth2AuthorizationCodeRequestAuthenticationContext context, String description) {
		return AuthorizationErrors.redirected(context,
				new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description, null));
	}

}
