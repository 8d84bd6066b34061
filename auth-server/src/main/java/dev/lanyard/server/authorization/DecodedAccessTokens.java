package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Cached access tokens as the framework's objects, decoded once per cached row: a lookup
 * whose cached row is the very text decoded before (same version, same content) and whose
 * client is unchanged reuses the object instead of parsing the row's JSON again
 * (introspection and token exchange look the same token up again and again). The shared
 * token cache stays the only truth: a revoked, replaced or changed token is a different
 * text or no hit at all, and a disabled or deleted client is no longer found, so nothing
 * here outlives a change. {@link OAuth2Authorization} is immutable, so one object serves
 * every thread. Bounded in size and time (Caffeine). Thread-safe.
 */
final class DecodedAccessTokens {

	private static final int LIMIT = 4_096;

	private static final Duration KEPT = Duration.ofMinutes(1);

	private final Cache<String, Decoded> decoded = Caffeine.newBuilder()
		.maximumSize(LIMIT)
		.expireAfterAccess(KEPT)
		.build();

	private record Decoded(String row, RegisteredClient client, OAuth2Authorization authorization) {
	}

	/**
	 * The authorization decoded before from this row text, if its client is still the
	 * same.
	 * @param clients the current clients by id ({@code null} when disabled or deleted)
	 */
	OAuth2Authorization find(String tokenHash, String row, Function<String, RegisteredClient> clients) {
		Decoded known = this.decoded.getIfPresent(tokenHash);
		if (known == null || !known.row().equals(row)) {
			return null;
		}
		RegisteredClient client = clients.apply(known.authorization().getRegisteredClientId());
		return (client != null && client.equals(known.client())) ? known.authorization() : null;
	}

	void remember(String tokenHash, String row, RegisteredClient client, OAuth2Authorization authorization) {
		this.decoded.put(tokenHash, new Decoded(row, client, authorization));
	}

}
