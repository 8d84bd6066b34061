package dev.lanyard.server.exchange;

import java.util.List;
import java.util.Map;

import dev.lanyard.server.authorization.AuthorizationRevokedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;


/**
 * The revocation channel: when grants are revoked (revocation endpoint, logout, refresh
 * token reuse, an administrator), this publishes the revoked access tokens' SHA-256 hashes
 * and the login session ids on the Redis channel {@code <prefix>revocations}, so that
 * gateways drop the JWTs they cached for them at once. Every server node listens too and
 * forgets the internal JWTs it issued for those tokens.
 * <p>
 * Message (JSON): {@code {"token_hashes":["…"],"session_ids":["…"],"reason":"logout"}},
 * hashes being unpadded base64url SHA-256 of the opaque token. Without Redis, only this
 * node's cache is told. A revocation naming more than {@value #MAXIMUM_PER_MESSAGE} tokens
 * is published as several messages.
 */
public final class RevocationChannel implements MessageListener {

	private static final Logger logger = LoggerFactory.getLogger(RevocationChannel.class);

	/** At most this many token hashes (and session ids) in one message. */
	static final int MAXIMUM_PER_MESSAGE = 1000;

	private static final TypeReference<Map<String, Object>> MESSAGE = new TypeReference<>() {
	};

	private final ExchangedTokenCache exchangedTokens;

	private final StringRedisTemplate redis;

	private final String channel;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * @param redis the Redis to publish on; {@code null} without Redis
	 * @param channel the channel name
	 */
	public RevocationChannel(ExchangedTokenCache exchangedTokens, StringRedisTemplate redis, String channel) {
		this.exchangedTokens = exchangedTokens;
		this.redis = redis;
		this.channel = channel;
	}

	public String channel() {
		return this.channel;
	}

	/**
	 * Runs once the revocation is committed (or at once outside a transaction): a listener
	 * told earlier could exchange the token again before the revoked row is visible.
	 */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	public void onRevoked(AuthorizationRevokedEvent event) {
		this.exchangedTokens.evict(event.accessTokenHashes());
		if (this.redis == null) {
			return;
		}
		List<String> hashes = event.accessTokenHashes();
		List<String> sessionIds = event.sessionIds();
		// Revoking a busy client's grants can name many thousands of tokens: several
		// messages of bounded size rather than one that subscribers choke on.
		int messages = Math.max(1, Math.max(chunks(hashes), chunks(sessionIds)));
		try {
			for (int i = 0; i < messages; i++) {
				this.redis.convertAndSend(this.channel, this.json.writeValueAsString(Map.of("token_hashes",
						chunk(hashes, i), "session_ids", chunk(sessionIds, i), "reason", event.reason())));
			}
		}
		catch (RuntimeException ex) {
			// Gateways still drop their cached JWTs when those expire (at most 5 minutes).
			logger.warn("Could not publish a revocation on {}: {}", this.channel, ex.getMessage());
		}
	}

	private static int chunks(List<String> values) {
		return (values.size() + MAXIMUM_PER_MESSAGE - 1) / MAXIMUM_PER_MESSAGE;
	}

	private static List<String> chunk(List<String> values, int index) {
		int from = Math.min(values.size(), index * MAXIMUM_PER_MESSAGE);
		return values.subList(from, Math.min(values.size(), from + MAXIMUM_PER_MESSAGE));
	}

	/** A revocation published by any node. */
	@Override
	public void onMessage(Message message, byte[] pattern) {
		try {
			Map<String, Object> revocation = this.json.readValue(message.getBody(), MESSAGE);
			if (revocation.get("token_hashes") instanceof List<?> hashes) {
				this.exchangedTokens.evict(hashes.stream().map(String::valueOf).toList());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring an unreadable message on {}", this.channel);
		}
	}

}
