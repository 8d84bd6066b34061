package dev.lanyard.server.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.token.ClientTokenSettings;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.stereotype.Component;

/**
 * Presents Lanyard's clients to the framework as {@link RegisteredClient}s. A disabled
 * client is not found, so it can neither authenticate nor use tokens issued before.
 * <p>
 * Every token request looks its client up (often twice), so clients are kept in memory
 * for {@link #CACHE_TTL}: a change made on this node applies at once, one made on another
 * node within that time. Thread-safe.
 */
@Component
public class LanyardRegisteredClientRepository implements RegisteredClientRepository {

	/** Client setting holding the audiences a client may exchange tokens for. */
	public static final String EXCHANGE_AUDIENCES = "lanyard.exchange-audiences";

	/**
	 * Client setting holding the JWK Set a {@code private_key_jwt} client registered
	 * inline (its URL, when it publishes one, is the framework's own setting).
	 */
	public static final String JWKS = "lanyard.jwks";

	/**
	 * Client setting: whether the client's authorization requests must be pushed first
	 * (RFC 9126 §6, {@code require_pushed_authorization_requests}).
	 */
	public static final String REQUIRE_PUSHED_AUTHORIZATION_REQUESTS = "lanyard.require-pushed-authorization-requests";

	/**
	 * Client setting: whether the client always uses DPoP for token requests (RFC 9449
	 * §5.2, {@code dpop_bound_access_tokens}).
	 */
	public static final String DPOP_BOUND_ACCESS_TOKENS = "lanyard.dpop-bound-access-tokens";

	/**
	 * Client setting: the version of the registration (when it last changed), for a
	 * client whose keys are at a {@code jwks_uri}: every save of it has each node read
	 * those keys afresh (a key the client withdrew there stops at once).
	 */
	public static final String REGISTRATION_VERSION = "lanyard.registration-version";

	/** Client setting: its users must sign in with a second factor. */
	public static final String REQUIRE_MFA = "lanyard.require-mfa";

	/** Client setting: whether the client may introspect other clients' access tokens. */
	public static final String INTROSPECTION_ALLOWED = "lanyard.introspection-allowed";

	/**
	 * How long a client stays in memory; also how long a change takes to reach other
	 * nodes: a secret regenerated after a leak is still taken there meanwhile (and the
	 * tokens given for it then live to their expiry), so a second, as the signing keys'
	 * re-read. Under load that is one read of the client a second and node.
	 */
	static final Duration CACHE_TTL = Duration.ofSeconds(1);

	private static final int CACHE_LIMIT = 10_000;

	private final JdbcOAuthClientRepository clients;

	private final LanyardProperties properties;

	/**
	 * Enabled clients by id and by client id, for {@link #CACHE_TTL} (Caffeine; unknown
	 * ones are not kept).
	 */
	private final Cache<String, RegisteredClient> byId;

	private final Cache<String, RegisteredClient> byClientId;

	public LanyardRegisteredClientRepository(JdbcOAuthClientRepository clients, LanyardProperties properties,
			Clock clock) {
		this.clients = clients;
		this.properties = properties;
		this.byId = newCache(clock);
		this.byClientId = newCache(clock);
	}

	private static Cache<String, RegisteredClient> newCache(Clock clock) {
		return Caffeine.newBuilder()
			.maximumSize(CACHE_LIMIT)
			.expireAfterWrite(CACHE_TTL)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.build();
	}

	/**
	 * The scopes of a token its client still holds: a scope an administrator took from
	 * the client counts for none of its tokens from then on (introspection, token
	 * exchange, {@code /userinfo}, the admin API), and the grant holding it ends at its
	 * next refresh.
	 * @param client the token's client, {@code null} if it is gone
	 * @param granted the token's scopes
	 */
	public static Set<String> scopesStillHeld(RegisteredClient client, Collection<String> granted) {
		if (client == null) {
			return Set.of();
		}
		if (granted instanceof Set<String> all && client.getScopes().containsAll(all)) {
			// The usual case, on the exchange's and introspection's hot paths: no copy.
			return all;
		}
		Set<String> held = new LinkedHashSet<>(granted);
		held.retainAll(client.getScopes());
		return held;
	}

	/** The audiences a client may exchange tokens for, its default first. */
	public static List<String> exchangeAudiences(RegisteredClient client) {
		List<String> audiences = client.getClientSettings().getSetting(EXCHANGE_AUDIENCES);
		return (audiences != null) ? audiences : List.of();
	}

	/** The JWK Set a client registered inline, or {@code null}. */
	public static String jwks(RegisteredClient client) {
		return client.getClientSettings().getSetting(JWKS);
	}

	/** Whether a client's authorization requests must be pushed first (RFC 9126 §6). */
	public static boolean requirePushedAuthorizationRequests(RegisteredClient client) {
		return Boolean.TRUE.equals(client.getClientSettings().getSetting(REQUIRE_PUSHED_AUTHORIZATION_REQUESTS));
	}

	/** Whether the client's users must sign in with a second factor. */
	public static boolean requireMfa(RegisteredClient client) {
		return Boolean.TRUE.equals(client.getClientSettings().getSetting(REQUIRE_MFA));
	}

	/** Whether a client always uses DPoP for token requests (RFC 9449 §5.2). */
	public static boolean dpopBoundAccessTokens(RegisteredClient client) {
		return Boolean.TRUE.equals(client.getClientSettings().getSetting(DPOP_BOUND_ACCESS_TOKENS));
	}

	/** Whether a client may introspect access tokens issued to other clients. */
	public static boolean introspectionAllowed(RegisteredClient client) {
		return Boolean.TRUE.equals(client.getClientSettings().getSetting(INTROSPECTION_ALLOWED));
	}

	/** Forgets a client at once, after it changed. */
	void evict(OAuthClient client) {
		this.byId.invalidate(client.id());
		this.byClientId.invalidate(client.clientId());
	}

	@Override
	public void save(RegisteredClient registeredClient) {
		throw new IllegalStateException("Clients are changed through ClientService, not the framework");
	}

	@Override
	public RegisteredClient findById(String id) {
		return cached(this.byId, id, () -> this.clients.findById(id));
	}

	@Override
	public RegisteredClient findByClientId(String clientId) {
		return cached(this.byClientId, clientId, () -> this.clients.findByClientId(clientId));
	}

	private RegisteredClient cached(Cache<String, RegisteredClient> cache, String key,
			Supplier<Optional<OAuthClient>> loader) {
		return cache.get(key,
				(k) -> loader.get().filter(OAuthClient::enabled).map(this::toRegisteredClient).orElse(null));
	}

	private RegisteredClient toRegisteredClient(OAuthClient client) {
		RegisteredClient.Builder builder = RegisteredClient.withId(client.id())
			.clientId(client.clientId())
			.clientIdIssuedAt(client.clientIdIssuedAt())
			.clientName(client.clientName())
			.clientSecret(client.clientSecretHash())
			.redirectUris((uris) -> uris.addAll(client.redirectUris()))
			.postLogoutRedirectUris((uris) -> uris.addAll(client.postLogoutRedirectUris()))
			.scopes((scopes) -> scopes.addAll(client.scopes()))
			.authorizationGrantTypes(
					(grants) -> client.grantTypes().forEach((grant) -> grants.add(new AuthorizationGrantType(grant))))
			.clientSettings(clientSettings(client))
			.tokenSettings(ClientTokenSettings.of(client.accessTokenTtl(), client.refreshTokenIdle(),
					client.refreshTokenMax(), this.properties.tokens().authorizationCode()));
		// The one method it registered (RFC 7591 §2): a secret sent another way, or an
		// assertion from a client with a secret, is refused.
		builder.clientAuthenticationMethod(new ClientAuthenticationMethod(client.tokenEndpointAuthMethod()));
		return builder.build();
	}

	private static ClientSettings clientSettings(OAuthClient client) {
		ClientSettings.Builder settings = ClientSettings.builder()
			.requireProofKey(client.isPublic() || client.requirePkce())
			.requireAuthorizationConsent(client.requireConsent())
			.setting(EXCHANGE_AUDIENCES, client.exchangeAudiences())
			.setting(INTROSPECTION_ALLOWED, client.introspectionAllowed())
			.setting(REQUIRE_PUSHED_AUTHORIZATION_REQUESTS, client.requirePushedAuthorizationRequests())
			.setting(DPOP_BOUND_ACCESS_TOKENS, client.dpopBoundAccessTokens())
			.setting(REQUIRE_MFA, client.requireMfa());
		if (OAuthClient.AUTH_PRIVATE_KEY_JWT.equals(client.tokenEndpointAuthMethod())) {
			// The framework names the method it authenticated by this setting's kind
			// (a signature algorithm: private_key_jwt); the algorithms accepted are
			// ClientKeys.SIGNING_ALGORITHMS.
			settings.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS256);
			if (client.jwksUri() != null) {
				settings.jwkSetUrl(client.jwksUri());
				if (client.updatedAt() != null) {
					settings.setting(REGISTRATION_VERSION, client.updatedAt().toString());
				}
			}
			if (client.jwks() != null) {
				settings.setting(JWKS, client.jwks());
			}
		}
		return settings.build();
	}

}
