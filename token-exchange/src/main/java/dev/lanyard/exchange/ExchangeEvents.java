package dev.lanyard.exchange;

import java.time.Duration;

/**
 * What the exchanger reports as it works, for metrics. Every method has an empty default;
 * implementations must be thread-safe and quick.
 */
public interface ExchangeEvents {

	/** No events. */
	ExchangeEvents NONE = new ExchangeEvents() {
	};

	/** A request was answered from the cache (a JWT or a recent rejection). */
	default void cacheHit() {
	}

	/** A request needed the authorization server. */
	default void cacheMiss() {
	}

	/** The authorization server answered (or failed to) after this long. */
	default void exchanged(ExchangeResult result, Duration took) {
	}

	/** Cached JWTs were dropped because their tokens were revoked. */
	default void evicted(int count) {
	}

}
