package dev.lanyard.server.federation;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import dev.lanyard.server.client.ClientValidator;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.security.oauth2.client.endpoint.NimbusJwtClientAuthenticationParametersConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestTemplate;

/**
 * The upstream identity providers as Spring Security's OAuth 2.0 client sees them, read
 * from the database at each sign-in (a provider changed in the console takes effect on
 * every node at once). An OpenID Connect provider's discovery document is fetched when
 * first needed, with short timeouts, and kept an hour; a failed fetch is not kept, so the
 * next sign-in tries again. Start-up never waits for an upstream. Each provider's ID
 * token decoder (and with it the upstream's JWKS, which nimbus caches and re-reads when
 * an unknown key appears) is kept while its settings stay the same.
 */
public final class UpstreamRegistrations
		implements ClientRegistrationRepository, JwtDecoderFactory<ClientRegistration> {

	/**
	 * Where the upstream sends the person back; one path per provider (RFC 9700 §4.4.2).
	 */
	public static final String CALLBACK_PATH = "/login/federated";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final IdentityProviders providers;

	private final String issuer;

	private final RestClient rest;

	private final Supplier<? extends JWK> ownKey;

	private final Cache<String, Map<String, Object>> discovery = Caffeine.newBuilder()
		.maximumSize(100)
		.expireAfterWrite(Duration.ofHours(1))
		.build();

	/**
	 * Issuers whose discovery failed lately, and how: sign-ins meanwhile fail at once
	 * rather than each waiting for the timeouts (the button is on a public page).
	 */
	private final Cache<String, String> failedDiscovery = Caffeine.newBuilder()
		.maximumSize(100)
		.expireAfterWrite(Duration.ofSeconds(30))
		.build();

	/** By the settings a decoder is made of (a registration is built anew each time). */
	private final Cache<List<String>, JwtDecoder> decoders = Caffeine.newBuilder()
		.maximumSize(100)
		.expireAfterAccess(Duration.ofHours(1))
		.build();

	/**
	 * @param issuer Lanyard's own issuer: the callback URIs are made of it, never of a
	 * request's Host header
	 */
	public UpstreamRegistrations(IdentityProviders providers, String issuer, Supplier<? extends JWK> ownKey) {
		this.providers = providers;
		this.issuer = issuer;
		this.ownKey = ownKey;
		this.rest = RestClient.builder().requestFactory(requestFactory()).build();
	}

	/** The HTTP settings of every call to an upstream ({@link UpstreamCalls}). */
	public static ClientHttpRequestFactory requestFactory() {
		return UpstreamCalls.requestFactory();
	}

	/**
	 * The provider as a client registration; {@code null} if there is no enabled provider
	 * with this id.
	 * @throws UpstreamUnavailableException if its discovery document cannot be read
	 */
	@Override
	public ClientRegistration findByRegistrationId(String id) {
		IdentityProvider provider = this.providers.find(id).filter(IdentityProvider::enabled).orElse(null);
		if (provider == null) {
			return null;
		}
		ClientRegistration.Builder registration;
		if (provider.openIdConnect()) {
			Map<String, Object> metadata = discover(provider);
			for (String endpoint : List.of("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
					"end_session_endpoint")) {
				// The issuer's rule for every endpoint it names: the client secret, the
				// code and the upstream ID token travel to them (https; http only on
				// the loopback interface).
				// And http on the loopback interface only for an issuer there itself: a
				// hostile https issuer would have this server post its client secret and
				// codes to services on its own host.
				if (metadata.get(endpoint) instanceof String url
						&& (ClientValidator.serverUrlError(url).isPresent() || url.regionMatches(true, 0, "http:", 0, 5)
								&& !provider.issuer().regionMatches(true, 0, "http:", 0, 5))) {
					this.discovery.invalidate(provider.issuer());
					throw failed(provider, "discovery names an endpoint that is not https: " + endpoint);
				}
			}
			try {
				registration = ClientRegistrations.fromOidcConfiguration(metadata);
			}
			catch (RuntimeException ex) {
				// Not a discovery document the OAuth 2.0 client can use (a member missing
				// or malformed).
				this.discovery.invalidate(provider.issuer());
				throw failed(provider, "discovery document unusable: " + ex.getClass().getSimpleName());
			}
		}
		else {
			registration = ClientRegistration.withRegistrationId(provider.id())
				.authorizationUri(provider.authorizationUri())
				.tokenUri(provider.tokenUri())
				.userInfoUri(provider.userInfoUri())
				.userNameAttributeName(provider.subjectAttribute());
		}
		registration.registrationId(provider.id())
			.clientName(provider.displayName())
			.clientId(provider.clientId())
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(this.issuer + CALLBACK_PATH + "/" + provider.id())
			.scope(Set.copyOf(provider.scopes()))
			// PKCE with every upstream, confidential client or not (RFC 9700 §2.1.1).
			.clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build());
		if (provider.clientSecret() != null) {
			registration.clientSecret(provider.clientSecret());
		}
		if (provider.tokenEndpointAuthMethod() != null) {
			registration.clientAuthenticationMethod(new ClientAuthenticationMethod(provider.tokenEndpointAuthMethod()));
		}
		else if (provider.clientSecret() == null) {
			registration.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		else if (!provider.openIdConnect()) {
			// OpenID Connect: what discovery says the provider takes.
			registration.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		}
		return registration.build();
	}

	/**
	 * Lanyard's client assertions for providers set to {@code private_key_jwt} (RFC 7523
	 * §2.2): signed with Lanyard's own active signing key, which the provider finds in
	 * Lanyard's JWKS; {@code aud} is the provider's issuer where it has one (the one
	 * value an OpenID provider must accept, and the one that cannot be replayed at
	 * another endpoint of it), else its token endpoint.
	 */
	public NimbusJwtClientAuthenticationParametersConverter<OAuth2AuthorizationCodeGrantRequest> clientAssertions() {
		NimbusJwtClientAuthenticationParametersConverter<OAuth2AuthorizationCodeGrantRequest> assertions = new NimbusJwtClientAuthenticationParametersConverter<>(
				(registration) -> this.ownKey.get());
		assertions.setJwtClientAssertionCustomizer((context) -> {
			ClientRegistration registration = context.getAuthorizationGrantRequest().getClientRegistration();
			String issuerUri = registration.getProviderDetails().getIssuerUri();
			context.getClaims()
				.audience(List.of((issuerUri != null) ? issuerUri : registration.getProviderDetails().getTokenUri()));
		});
		return assertions;
	}

	/**
	 * Whether the upstream says it names itself in every authorization response (RFC 9207
	 * §3: {@code authorization_response_iss_parameter_supported}).
	 */
	public static boolean sendsIssuer(ClientRegistration registration) {
		return Boolean.TRUE.equals(registration.getProviderDetails()
			.getConfigurationMetadata()
			.get("authorization_response_iss_parameter_supported"));
	}

	/**
	 * The ID token decoder of a provider: the upstream's keys, the algorithms OpenID
	 * Connect providers sign with, and the ID token rules (OpenID Connect Core §3.1.3.7:
	 * {@code iss}, {@code aud}, {@code azp}, {@code exp}, {@code iat}).
	 */
	@Override
	public JwtDecoder createDecoder(ClientRegistration registration) {
		List<String> settings = Arrays.asList(registration.getRegistrationId(),
				registration.getProviderDetails().getIssuerUri(), registration.getProviderDetails().getJwkSetUri(),
				registration.getClientId());
		return this.decoders.get(settings, (key) -> {
			RestTemplate keys = new RestTemplate(requestFactory());
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(registration.getProviderDetails().getJwkSetUri())
				.restOperations(keys)
				.jwsAlgorithms((algorithms) -> algorithms.addAll(Set.of(SignatureAlgorithm.RS256,
						SignatureAlgorithm.PS256, SignatureAlgorithm.ES256, SignatureAlgorithm.ES384)))
				.build();
			decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
					new OidcIdTokenValidator(registration)));
			decoder.setClaimSetConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverter());
			return decoder;
		});
	}

	/**
	 * The provider's discovery document (OpenID Connect Discovery §4), whose
	 * {@code issuer} must be the configured one exactly (§4.3).
	 */
	private Map<String, Object> discover(IdentityProvider provider) {
		Map<String, Object> known = this.discovery.getIfPresent(provider.issuer());
		if (known != null) {
			return known;
		}
		String failed = this.failedDiscovery.getIfPresent(provider.issuer());
		if (failed != null) {
			throw new UpstreamUnavailableException(provider.id(), failed + " (within the last 30 s)");
		}
		String location = provider.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
		Map<String, Object> document;
		try {
			document = this.rest.get().uri(location).retrieve().body(JSON_OBJECT);
		}
		catch (RestClientException ex) {
			throw failed(provider, "discovery failed: " + ex.getClass().getSimpleName());
		}
		if (document == null || !provider.issuer().equals(document.get("issuer"))) {
			throw failed(provider, "discovery names another issuer");
		}
		this.discovery.put(provider.issuer(), document);
		return document;
	}

	private UpstreamUnavailableException failed(IdentityProvider provider, String problem) {
		this.failedDiscovery.put(provider.issuer(), problem);
		return new UpstreamUnavailableException(provider.id(), problem);
	}

	/** An upstream could not be reached or answered something unusable. */
	public static final class UpstreamUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String providerId;

		UpstreamUnavailableException(String providerId, String problem) {
			super("Identity provider " + providerId + ": " + problem);
			this.providerId = providerId;
		}

		public String providerId() {
			return this.providerId;
		}

	}

}
