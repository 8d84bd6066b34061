package dev.lanyard.server.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import dev.lanyard.server.client.ClientKeys;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.token.TokenHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * The public keys a client registered, inline ({@code jwks}) or by URL
 * ({@code jwks_uri}), as a nimbus key source: what its client assertions (RFC 7523) and
 * request objects (RFC 9101) are verified with. A URL is fetched within 2 s for the whole
 * answer ({@link BoundedResourceRetriever}), no redirects, 64 KiB at most, cached a
 * minute (nimbus's cache and rate limit; requests wait at most 3 s for a fetch under
 * way); only keys that meet the registration rules are used, fetched ones too. A source
 * is kept per client and key set, and dropped (its refresh thread stopped) once the
 * registration names other keys and they are used, or after an hour unused. Keys at a URL
 * are read afresh whenever the registration is saved: a key the client withdrew there (a
 * leaked one) stops on every node within a second of a save, where it was taken for up to
 * five minutes after with nothing to do about it but disable the client. Thread-safe.
 */
final class ClientKeySources {

	private static final int JWKS_TIMEOUT_MILLIS = 2_000;

	private static final int JWKS_SIZE_LIMIT = 64 * 1024;

	private static final long JWKS_REFRESH_WAIT_MILLIS = 3_000;

	/**
	 * How long keys fetched from a URL are used before they are fetched again (an unknown
	 * key id fetches at once, at most every 30 s: nimbus's rate limit).
	 */
	private static final long JWKS_TIME_TO_LIVE_MILLIS = 60_000;

	private static final Logger logger = LoggerFactory.getLogger(ClientKeySources.class);

	/**
	 * One HTTP client for every client's keys: the JDK's keeps a thread of its own, and
	 * one per key source (up to the cache's ten thousand, kept an hour) let whoever
	 * registers clients with a {@code jwks_uri} (dynamic registration) add a thread per
	 * client.
	 */
	private final BoundedResourceRetriever retriever = new BoundedResourceRetriever(
			Duration.ofMillis(JWKS_TIMEOUT_MILLIS), JWKS_SIZE_LIMIT);

	/**
	 * Where every source fetches its keys again ahead of their expiry: two threads, ended
	 * when idle a minute (nimbus's own is a thread per source, kept until it is closed).
	 */
	private final ExecutorService refreshes = refreshThreads();

	private final Cache<String, JWKSource<SecurityContext>> sources = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofHours(1))
		.<String, JWKSource<SecurityContext>>removalListener((key, source, cause) -> {
			if (source instanceof Closeable closeable) {
				try {
					closeable.close();
				}
				catch (IOException ex) {
					logger.debug("Could not close a client's key source: {}", ex.getMessage());
				}
			}
		})
		.build();

	/**
	 * Names a client's current keys: the same name as long as its registration names the
	 * same keys, {@code null} when it has none.
	 */
	static String keysOf(RegisteredClient client) {
		String jwks = LanyardRegisteredClientRepository.jwks(client);
		String jwksUri = client.getClientSettings().getJwkSetUrl();
		if (jwks == null && jwksUri == null) {
			return null;
		}
		return client.getId() + "\n" + ((jwks != null) ? "jwks:" + TokenHash.of(jwks) : "jwks_uri:" + jwksUri + "\n"
				+ client.getClientSettings().getSetting(LanyardRegisteredClientRepository.REGISTRATION_VERSION));
	}

	/**
	 * The client's usable keys, or {@code null} when it registered none. The source goes
	 * through the cache at every use, so a decoder that keeps it never reads one that was
	 * dropped (and closed) meanwhile.
	 */
	JWKSource<SecurityContext> of(RegisteredClient client) {
		String keys = keysOf(client);
		if (keys == null) {
			return null;
		}
		return (selector, context) -> {
			try {
				// Fetched keys meet the registration rules too (RSA of 2048 bits and
				// more, the listed curves, public keys only): a JCA verifier would take a
				// weak key.
				return source(keys, client).get(selector, context).stream().filter(ClientKeys::usable).toList();
			}
			catch (RuntimeException ex) {
				throw new KeySourceException("The client's keys cannot be read: " + ex.getMessage(), ex);
			}
		};
	}

	private JWKSource<SecurityContext> source(String keys, RegisteredClient client) {
		JWKSource<SecurityContext> source = this.sources.getIfPresent(keys);
		if (source != null) {
			return source;
		}
		// The client's earlier keys, if it had others, go at once.
		String prefix = client.getId() + "\n";
		this.sources.asMap().keySet().removeIf((key) -> key.startsWith(prefix) && !key.equals(keys));
		return this.sources.get(keys, (key) -> build(client));
	}

	private JWKSource<SecurityContext> build(RegisteredClient client) {
		String jwks = LanyardRegisteredClientRepository.jwks(client);
		if (jwks != null) {
			return new ImmutableJWKSet<>(ClientKeys.parse(jwks));
		}
		try {
			return JWKSourceBuilder
				.create(URI.create(client.getClientSettings().getJwkSetUrl()).toURL(), this.retriever)
				.cache(JWKS_TIME_TO_LIVE_MILLIS, JWKS_REFRESH_WAIT_MILLIS)
				.refreshAheadCache(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, null, this.refreshes, false, null,
						false)
				.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException("A registered jwks_uri is not a URL", ex);
		}
	}

	private static ExecutorService refreshThreads() {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor threads = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "client-keys-refresh-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		threads.allowCoreThreadTimeOut(true);
		return threads;
	}

}
