package dev.lanyard.server.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.lanyard.server.authorization.JdbcAuthorizationRows.Selector;
import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Revokes grants in PostgreSQL and records each revocation in the
 * {@link RevocationOutbox} in the same transaction, so that no node and no gateway can
 * miss it (issue 9, item 7); the revoked rows go into the token cache at once, or, when
 * this node cannot write it, the outbox row says so and no node believes a positive cache
 * entry until one could. Thread-safe.
 */
final class RecordedGrantRevocations implements GrantRevocations {

	private final JdbcAuthorizationRows rows;

	private final CachedAccessTokens cache;

	private final RevocationOutbox outbox;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final ObjectProvider<SessionEndObserver> sessionEnds;

	RecordedGrantRevocations(JdbcAuthorizationRows rows, CachedAccessTokens cache, RevocationOutbox outbox,
			TransactionTemplate transactions, ApplicationEventPublisher events,
			ObjectProvider<SessionEndObserver> sessionEnds) {
		this.rows = rows;
		this.cache = cache;
		this.outbox = outbox;
		this.transactions = transactions;
		this.events = events;
		this.sessionEnds = sessionEnds;
	}

	@Override
	public int revokeBySession(String sessionId, String reason) {
		return revoke(Selector.SESSION, sessionId, reason);
	}

	@Override
	public int revokeByPrincipal(String principalName, String reason) {
		return revoke(Selector.PRINCIPAL, principalName, reason);
	}

	@Override
	public int revokeByClient(String registeredClientId, String reason) {
		return revoke(Selector.CLIENT, registeredClientId, reason);
	}

	@Override
	public int revokeByIdentityProvider(String providerId, String principalName, String reason) {
		if (principalName == null) {
			return revoke(Selector.IDENTITY_PROVIDER, providerId, reason);
		}
		int revoked = 0;
		for (String id : this.rows.liveThroughIdentityProvider(providerId, principalName)) {
			revoked += revokeById(id, reason);
		}
		return revoked;
	}

	@Override
	public int revokeById(String authorizationId, String reason) {
		return revoke(Selector.ID, authorizationId, reason);
	}

	private int revoke(Selector selector, String value, String reason) {
		List<StoredAuthorization> revoked = this.transactions.execute((status) -> {
			List<StoredAuthorization> rows = this.rows.invalidateLive(selector, value);
			if (!rows.isEmpty()) {
				List<String> accessTokenHashes = new ArrayList<>(rows.stream()
					.map(StoredAuthorization::accessToken)
					.filter(Objects::nonNull)
					.map(StoredToken::hash)
					.toList());
				accessTokenHashes
					.addAll(this.rows.replacedAccessTokens(rows.stream().map(StoredAuthorization::id).toList()));
				List<String> sessionIds = rows.stream()
					.map(StoredAuthorization::sessionId)
					.filter(Objects::nonNull)
					.distinct()
					.toList();
				// The revoked rows replace whatever the cache holds (a newer version
				// always
				// wins), so a reader that loaded a row before this update cannot put it
				// back.
				boolean cached = true;
				for (StoredAuthorization row : rows) {
					cached &= this.cache.put(row);
				}
				record(accessTokenHashes, sessionIds, reason, cached);
			}
			this.sessionEnds.forEach((observer) -> {
				if (observer.endsSessions(reason)) {
					List<SessionEndObserver.EndedGrant> ended = this.rows.sessionGrants(selector, value);
					if (!ended.isEmpty()) {
						observer.sessionsEnded(ended, reason);
					}
				}
			});
			return rows;
		});
		if (!revoked.isEmpty()) {
			announce(reason);
		}
		return revoked.size();
	}

	/**
	 * Records a revocation in the outbox; call within the transaction that revokes. When
	 * this node could not write it into the cache, the row says so: a node that can reach
	 * the cache applies it, and until then no node believes a positive cache entry (this
	 * one at once).
	 */
	void record(List<String> tokenHashes, List<String> sessionIds, String reason, boolean cached) {
		this.outbox.add(tokenHashes, sessionIds, reason, cached);
		if (!cached) {
			this.cache.trust(false);
		}
	}

	/** Tells the relay, once the recording transaction has committed. */
	void announce(String reason) {
		this.events.publishEvent(new RevocationsRecordedEvent(reason));
	}

}
