package dev.lanyard.admin.key;

import java.time.Instant;

/**
 * A token signing key as administrators see it: never its private part.
 *
 * @param kid the key id
 * @param algorithm the JWS algorithm
 * @param state {@code next}, {@code active} or {@code retired}
 * @param createdAt when generated
 * @param activatedAt when it began signing; may be {@code null}
 * @param retiredAt when it stopped signing; may be {@code null}
 * @param activateAfter for a next key whose rotation is scheduled: when it starts
 * signing; may be {@code null}
 */
public record KeyView(String kid, String algorithm, String state, Instant createdAt, Instant activatedAt,
		Instant retiredAt, Instant activateAfter) {
}
