package dev.lanyard.server.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.token.ClientTokenSettings;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.stereotype.Component;

/**
 * Presents Lanyard's clients to the framework as {@link RegisteredClient}s. A disabled
 * client is not found, so it can neither authenticate nor use tokens issued before.
 * <p>
 * Every token request looks its client up (often twice), so clients are kept in memory for
 * {@link #CACHE_TTL}: a change made on this node applies at once, one made on another
 * node within that time. Thread-safe.
 */
@Component
public class LanyardRegisteredClientRepository implements RegisteredClientRepository {

	/** Client setting holding the audiences a client may exchange tokens for. */
	public static final String EXCHANGE_AUDIENCES = "lanyard.exchange-audiences";

	/** Client setting: whether the client may introspect other clients' access tokens. */
	public static final String INTROSPECTION_ALLOWED = "lanyard.introspection-allowed";

	/** How long a client stays in memory; also how long a change takes to reach other nodes. */
	static final Duration CACHE_TTL = Duration.ofSeconds(5);

	private static final int CACHE_LIMIT = 10_000;

	private final JdbcOAuthClientRepository clients;

	private final LanyardProperties properties;

	private final Clock clock;

	private final Map<String, Cached> byId = new ConcurrentHashMap<>();

	private final Map<String, Cached> byClientId = new ConcurrentHashMap<>();

	public LanyardRegisteredClientRepository(JdbcOAuthClientRepository clients, LanyardProperties properties,
			Clock clock) {
		this.clients = clients;
		this.properties = properties;
		this.clock = clock;
	}

	/** The audiences a client may exchange tokens for, its default first. */
	public static List<String> exchangeAudiences(RegisteredClient client) {
		List<String> audiences = client.getClientSettings().getSetting(EXCHANGE_AUDIENCES);
		return (audiences != null) ? audiences : List.of();
	}

	/** Whether a client may introspect access tokens issued to other clients. */
	public static boolean introspectionAllowed(RegisteredClient client) {
		return Boolean.TRUE.equals(client.getClientSettings().getSetting(INTROSPECTION_ALLOWED));
	}

	/** Forgets a client at once, after it changed. */
	void evict(OAuthClient client) {
		this.byId.remove(client.id());
		this.byClientId.remove(client.clientId());
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

	private RegisteredClient cached(Map<String, Cached> cache, String key, Supplier<Optional<OAuthClient>> loader) {
		Instant now = this.clock.instant();
		Cached entry = cache.get(key);
		if (entry != null && entry.loadedAt().plus(CACHE_TTL).isAfter(now)) {
			return entry.client();
		}
		RegisteredClient client = loader.get().filter(OAuthClient::enabled).map(this::toRegisteredClient).orElse(null);
		if (client != null) {
			if (cache.size() >= CACHE_LIMIT) {
				cache.clear();
			}
			cache.put(key, new Cached(client, now));
		}
		else {
			cache.remove(key);
		}
		return client;
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
			.authorizationGrantTypes((grants) -> client.grantTypes()
				.forEach((grant) -> grants.add(new AuthorizationGrantType(grant))))
			.clientSettings(ClientSettings.builder()
				.requireProofKey(client.isPublic() || client.requirePkce())
				.requireAuthorizationConsent(client.requireConsent())
				.setting(EXCHANGE_AUDIENCES, client.exchangeAudiences())
				.setting(INTROSPECTION_ALLOWED, client.introspectionAllowed())
				.build())
			.tokenSettings(ClientTokenSettings.of(client.accessTokenTtl(), client.refreshTokenIdle(),
					client.refreshTokenMax(), this.properties.tokens().authorizationCode()));
		if (client.isPublic()) {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		else {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		}
		return builder.build();
	}

	private record Cached(RegisteredClient client, Instant loadedAt) {
	}

}
