package dev.lanyard.server.authorization;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;
import dev.lanyard.server.storage.SqlValues;
import dev.lanyard.server.token.TokenHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores authorizations in PostgreSQL with every token, code and state as a SHA-256 hash,
 * so that a copy of the database holds nothing that can be presented.
 * <p>
 * Two rules the framework leaves to storage are enforced here:
 * <ul>
 * <li>Single use is atomic. Each row carries a version; a save names the version it read,
 * so when the same authorization code or refresh token is redeemed on two nodes at once,
 * one save wins and the other fails with {@code invalid_grant}. A lost race is a second
 * use of a single-use artifact, so the grant is revoked (RFC 6749 §4.1.2: "If an
 * authorization code is used more than once, the authorization server MUST deny the
 * request and SHOULD revoke … all tokens previously issued based on that authorization
 * code"; RFC 9700 §4.14.2 for refresh tokens).</li>
 * <li>Refresh-token reuse revokes the grant. Rotated-away refresh tokens are remembered
 * (by hash); presenting one again revokes every token of the grant (RFC 9700 §4.14.2).</li>
 * </ul>
 * Access-token lookups go through an {@link AccessTokenCache}. Thread-safe.
 */
public class HashedAuthorizationService implements OAuth2AuthorizationService {

	private static final Logger logger = LoggerFactory.getLogger(HashedAuthorizationService.class);

	private static final String INVALIDATE = """
			code_metadata = CASE WHEN code_hash IS NULL THEN code_metadata
			  ELSE jsonb_set(coalesce(code_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			access_token_metadata = CASE WHEN access_token_hash IS NULL THEN access_token_metadata
			  ELSE jsonb_set(coalesce(access_token_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			refresh_token_metadata = CASE WHEN refresh_token_hash IS NULL THEN refresh_token_metadata
			  ELSE jsonb_set(coalesce(refresh_token_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			version = version + 1, updated_at = now()""";

	private static final int PURGE_BATCH = 5000;

	/** A grant with a token that could still be presented. */
	private static final String LIVE = """
			((code_hash IS NOT NULL AND code_expires_at > :now
			    AND NOT coalesce((code_metadata ->> 'metadata.token.invalidated')::boolean, false))
			  OR (access_token_hash IS NOT NULL AND access_token_expires_at > :now
			    AND NOT coalesce((access_token_metadata ->> 'metadata.token.invalidated')::boolean, false))
			  OR (refresh_token_hash IS NOT NULL AND (refresh_token_expires_at IS NULL OR refresh_token_expires_at > :now)
			    AND NOT coalesce((refresh_token_metadata ->> 'metadata.token.invalidated')::boolean, false)))""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final RegisteredClientRepository clients;

	private final AccessTokenCache cache;

	private final Duration cacheTtl;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final AuthorizationCodec codec = new AuthorizationCodec();

	private final RevocationOutbox outbox;

	/**
	 * Whether a positive cache entry may be believed: not while a revocation is known that the
	 * cache may not hold yet (written on a node cut off from Redis, or during an outage).
	 */
	private volatile boolean cacheTrusted = true;

	public HashedAuthorizationService(JdbcClient jdbc, TransactionTemplate transactions,
			RegisteredClientRepository clients, AccessTokenCache cache, Duration cacheTtl,
			ApplicationEventPublisher events, Clock clock, RevocationOutbox outbox) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.clients = clients;
		this.cache = cache;
		this.cacheTtl = cacheTtl;
		this.events = events;
		this.clock = clock;
		this.outbox = outbox;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		Long version = authorization.getAttribute(AuthorizationAttributes.VERSION);
		if (version == null) {
			Instant createdAt = this.clock.instant();
			StoredAuthorization stored = this.codec.encode(authorization, 0, createdAt);
			insert(stored);
			cacheWritten(stored, null);
			return;
		}
		Instant createdAt = authorization.getAttribute(AuthorizationAttributes.GRANT_STARTED_AT);
		StoredAuthorization stored = this.codec.encode(authorization, version + 1, createdAt);
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = authorization.getAccessToken();
		List<String> sessionIds = (stored.sessionId() != null) ? List.of(stored.sessionId()) : List.of();
		AtomicBoolean recorded = new AtomicBoolean();
		Optional<Previous> previous = this.transactions.execute((status) -> {
			Optional<Previous> before = update(stored, version);
			before.ifPresent((row) -> {
				String replaced = row.accessTokenHash();
				boolean cached = cacheWritten(stored, replaced);
				if (replaced != null && stored.accessToken() != null && !replaced.equals(stored.accessToken().hash())
						&& !row.accessTokenInvalidated()) {
					// A refresh replaced the access token: it stopped working here, so gateways
					// must drop what they cached for it now, not when its JWT expires (HD-02).
					recordRevocation(List.of(replaced), sessionIds, "refreshed", cached);
					recorded.set(true);
				}
				if (accessToken != null && accessToken.isInvalidated() && !row.accessTokenInvalidated()
						&& stored.accessToken().hash().equals(replaced)) {
					// Revoked through the framework (revocation endpoint, code replay).
					recordRevocation(List.of(replaced), sessionIds, "revoked", cached);
					recorded.set(true);
				}
			});
			return before;
		});
		if (previous == null || previous.isEmpty()) {
			// Someone else changed this authorization since it was read: a concurrent second
			// use of a single-use artifact.
			revoke("id = :value", authorization.getId(), "concurrent_redemption");
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The grant was used concurrently and has been revoked", null));
		}
		if (recorded.get()) {
			this.events.publishEvent(new RevocationsRecordedEvent("saved"));
		}
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		String accessTokenHash = (authorization.getAccessToken() != null)
				? AuthorizationCodec.hashOf(authorization.getAccessToken().getToken().getTokenValue()) : null;
		this.jdbc.sql("DELETE FROM oauth_authorizations WHERE id = ?").param(authorization.getId()).update();
		if (accessTokenHash != null) {
			// The row is gone for good: no version of it may come back into the cache.
			this.cache.putIfNewer(accessTokenHash, AccessTokenCache.Entry.tombstone(Long.MAX_VALUE), this.cacheTtl);
		}
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return this.jdbc.sql("SELECT * FROM oauth_authorizations WHERE id = ?")
			.param(id)
			.query(this::map)
			.optional()
			.map((stored) -> decode(stored, null, null))
			.orElse(null);
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		if (token == null || token.isEmpty() || token.startsWith(AuthorizationCodec.PLACEHOLDER_PREFIX)) {
			return null;
		}
		String hash = TokenHash.of(token);
		TokenKind kind = (tokenType != null) ? TokenKind.of(tokenType) : null;
		if (tokenType != null && kind == null) {
			return null;
		}
		if (kind == null || kind == TokenKind.ACCESS_TOKEN) {
			Optional<AccessTokenCache.Entry> cached = this.cache.get(hash);
			if (cached.isPresent() && cached.get().gone()) {
				return null;
			}
			if (cached.isPresent() && this.cacheTrusted) {
				return decode(this.codec.fromJson(cached.get().row()), token, TokenKind.ACCESS_TOKEN);
			}
		}
		Optional<StoredAuthorization> stored = (kind != null) ? findByHash(kind, hash) : findByAnyHash(hash);
		if (stored.isEmpty()) {
			if (kind == TokenKind.REFRESH_TOKEN) {
				revokeOnRefreshTokenReuse(hash);
			}
			return null;
		}
		TokenKind matched = (kind != null) ? kind : matchedKind(stored.get(), hash);
		if (matched == TokenKind.ACCESS_TOKEN) {
			cache(stored.get());
		}
		return decode(stored.get(), token, matched);
	}

	/**
	 * Revokes every live grant of a login session (RP-initiated logout).
	 * @return how many grants were revoked
	 */
	public int revokeBySession(String sessionId, String reason) {
		return revoke("session_id = :value", sessionId, reason);
	}

	/** Revokes every live grant of a user or client principal. */
	public int revokeByPrincipal(String principalName, String reason) {
		return revoke("principal_name = :value", principalName, reason);
	}

	/** Revokes every live grant of a client. */
	public int revokeByClient(String registeredClientId, String reason) {
		return revoke("registered_client_id = :value", registeredClientId, reason);
	}

	/** Revokes one grant if it is live. */
	public int revokeById(String authorizationId, String reason) {
		return revoke("id = :value", authorizationId, reason);
	}

	/**
	 * Deletes grants that have had nothing presentable for longer than {@code retention}:
	 * every token expired or revoked, and nothing changed since. Deletes in batches so a
	 * large backlog does not hold long locks.
	 * @return how many grants were deleted
	 */
	public int purgeDead(Duration retention) {
		Instant now = this.clock.instant();
		Timestamp cutoff = Timestamp.from(now.minus(retention));
		int total = 0;
		int deleted;
		do {
			deleted = this.jdbc.sql("""
					DELETE FROM oauth_authorizations WHERE id IN (
					  SELECT id FROM oauth_authorizations
					  WHERE updated_at < :cutoff
					    AND coalesce(greatest(code_expires_at, access_token_expires_at, refresh_token_expires_at),
					      created_at) < :cutoff
					    AND NOT""" + LIVE + """
					  LIMIT :batch)""")
				.param("cutoff", cutoff)
				.param("now", Timestamp.from(now))
				.param("batch", PURGE_BATCH)
				.update();
			total += deleted;
		}
		while (deleted == PURGE_BATCH);
		this.jdbc.sql("DELETE FROM oauth_replaced_access_tokens WHERE expires_at < :now")
			.param("now", Timestamp.from(now))
			.update();
		return total;
	}

	private void revokeOnRefreshTokenReuse(String hash) {
		this.jdbc.sql("SELECT authorization_id FROM oauth_rotated_refresh_tokens WHERE token_hash = ?")
			.param(hash)
			.query(String.class)
			.optional()
			.ifPresent((authorizationId) -> {
				// RFC 9700 §4.14.2: a rotated-away refresh token came back, so either the
				// client or an attacker holds a stolen copy; end the whole grant.
				logger.warn("Refresh token reuse detected; revoking authorization {}", authorizationId);
				revoke("id = :value", authorizationId, "refresh_token_reuse");
			});
	}

	/**
	 * Marks every token of the matching live grants invalidated. Grants with nothing left
	 * to present (all tokens expired or already revoked) are left alone, so a user or client
	 * with a long history does not rewrite it on every revocation.
	 */
	private int revoke(String condition, String value, String reason) {
		List<StoredAuthorization> revoked = this.transactions.execute((status) -> {
			List<StoredAuthorization> rows = this.jdbc
				.sql("UPDATE oauth_authorizations SET " + INVALIDATE + " WHERE " + condition + " AND " + LIVE
						+ " RETURNING *")
				.param("value", value)
				.param("now", Timestamp.from(this.clock.instant()))
				.query(this::map)
				.list();
			if (!rows.isEmpty()) {
				List<String> accessTokenHashes = new ArrayList<>(rows.stream()
					.map(StoredAuthorization::accessToken)
					.filter(Objects::nonNull)
					.map(StoredToken::hash)
					.toList());
				accessTokenHashes.addAll(replacedAccessTokens(rows.stream().map(StoredAuthorization::id).toList()));
				List<String> sessionIds = rows.stream()
					.map(StoredAuthorization::sessionId)
					.filter(Objects::nonNull)
					.distinct()
					.toList();
				// The revoked rows replace whatever the cache holds (a newer version always
				// wins), so a reader that loaded a row before this update cannot put it back.
				boolean cached = true;
				for (StoredAuthorization row : rows) {
					cached &= cache(row);
				}
				recordRevocation(accessTokenHashes, sessionIds, reason, cached);
			}
			return rows;
		});
		if (!revoked.isEmpty()) {
			this.events.publishEvent(new RevocationsRecordedEvent(reason));
		}
		return revoked.size();
	}

	/**
	 * Records a revocation in the outbox, in the transaction that revokes, so that no node
	 * and no gateway can miss it (issue 9). When this node could not write it into the cache,
	 * the row says so: a node that can reach the cache applies it, and until then no node
	 * believes a positive cache entry (this one at once).
	 */
	private void recordRevocation(List<String> tokenHashes, List<String> sessionIds, String reason, boolean cached) {
		this.outbox.add(tokenHashes, sessionIds, reason, cached);
		if (!cached) {
			this.cacheTrusted = false;
		}
	}

	/**
	 * Invalidates the cached entries of revoked tokens for good (a node that could not reach
	 * the cache when they were revoked left that to another).
	 * @return whether the cache took every one
	 */
	public boolean invalidateCached(List<String> tokenHashes) {
		boolean applied = true;
		for (String hash : tokenHashes) {
			applied &= this.cache.putIfNewer(hash, AccessTokenCache.Entry.tombstone(Long.MAX_VALUE), this.cacheTtl);
		}
		return applied;
	}

	/**
	 * Whether positive cache entries may be believed on this node: set from the outbox, which
	 * knows of revocations the cache may not hold yet.
	 */
	public void trustCache(boolean trusted) {
		this.cacheTrusted = trusted;
	}

	/** The hashes of the unexpired access tokens that refreshes of these grants replaced. */
	private List<String> replacedAccessTokens(List<String> authorizationIds) {
		if (authorizationIds.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("""
				SELECT token_hash FROM oauth_replaced_access_tokens
				WHERE authorization_id = ANY(:ids) AND expires_at > :now""")
			.param("ids", SqlValues.of(authorizationIds))
			.param("now", Timestamp.from(this.clock.instant()))
			.query(String.class)
			.list();
	}

	private void insert(StoredAuthorization stored) {
		this.jdbc.sql("""
				INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type,
				  authorized_scopes, attributes, session_id, state_hash,
				  code_hash, code_issued_at, code_expires_at, code_metadata,
				  access_token_hash, access_token_issued_at, access_token_expires_at, access_token_metadata,
				  access_token_scopes,
				  refresh_token_hash, refresh_token_issued_at, refresh_token_expires_at, refresh_token_metadata,
				  id_token_hash, id_token_issued_at, id_token_expires_at, id_token_metadata, version, created_at)
				VALUES (:id, :client, :principal, :grant, :scopes, :attributes::jsonb, :session, :state,
				  :code_hash, :code_issued, :code_expires, :code_metadata::jsonb,
				  :access_hash, :access_issued, :access_expires, :access_metadata::jsonb, :access_scopes,
				  :refresh_hash, :refresh_issued, :refresh_expires, :refresh_metadata::jsonb,
				  :id_hash, :id_issued, :id_expires, :id_metadata::jsonb, :version, :created)""")
			.paramSource(parameters(stored))
			.update();
	}

	/**
	 * Writes a new version of a row if it is still at the version read.
	 * @return what the row held before, or empty if the row was changed or removed meanwhile
	 */
	private Optional<Previous> update(StoredAuthorization stored, long expectedVersion) {
		Map<String, Object> parameters = parameters(stored);
		parameters.put("expected_version", expectedVersion);
		List<Object[]> previous = this.jdbc.sql("""
				UPDATE oauth_authorizations a SET principal_name = :principal, authorized_scopes = :scopes,
				  attributes = :attributes::jsonb, session_id = :session, state_hash = :state,
				  code_hash = :code_hash, code_issued_at = :code_issued, code_expires_at = :code_expires,
				  code_metadata = :code_metadata::jsonb,
				  access_token_hash = :access_hash, access_token_issued_at = :access_issued,
				  access_token_expires_at = :access_expires, access_token_metadata = :access_metadata::jsonb,
				  access_token_scopes = :access_scopes,
				  refresh_token_hash = :refresh_hash, refresh_token_issued_at = :refresh_issued,
				  refresh_token_expires_at = :refresh_expires, refresh_token_metadata = :refresh_metadata::jsonb,
				  id_token_hash = :id_hash, id_token_issued_at = :id_issued, id_token_expires_at = :id_expires,
				  id_token_metadata = :id_metadata::jsonb, version = :version, updated_at = now()
				FROM (SELECT id, access_token_hash, refresh_token_hash, access_token_expires_at,
				        coalesce((access_token_metadata ->> 'metadata.token.invalidated')::boolean, false) AS revoked
				      FROM oauth_authorizations WHERE id = :id FOR UPDATE) previous
				WHERE a.id = previous.id AND a.version = :expected_version
				RETURNING previous.access_token_hash, previous.refresh_token_hash, previous.revoked,
				  previous.access_token_expires_at""")
			.paramSource(parameters)
			.query((rs, row) -> new Object[] { rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getTimestamp(4) })
			.list();
		if (previous.isEmpty()) {
			return Optional.empty();
		}
		String previousAccessTokenHash = (String) previous.get(0)[0];
		Timestamp previousAccessTokenExpiry = (Timestamp) previous.get(0)[3];
		String newAccessTokenHash = (stored.accessToken() != null) ? stored.accessToken().hash() : null;
		if (previousAccessTokenHash != null && !previousAccessTokenHash.equals(newAccessTokenHash)
				&& previousAccessTokenExpiry != null && previousAccessTokenExpiry.toInstant().isAfter(this.clock.instant())) {
			// A gateway may still hold a JWT exchanged for the replaced token: later revocations
			// of this grant must name it too (HD-02).
			this.jdbc.sql("""
					INSERT INTO oauth_replaced_access_tokens (token_hash, authorization_id, expires_at) VALUES (?, ?, ?)
					ON CONFLICT (token_hash) DO NOTHING""")
				.params(previousAccessTokenHash, stored.id(), previousAccessTokenExpiry)
				.update();
		}
		String previousRefreshTokenHash = (String) previous.get(0)[1];
		String newRefreshTokenHash = (stored.refreshToken() != null) ? stored.refreshToken().hash() : null;
		if (previousRefreshTokenHash != null && !previousRefreshTokenHash.equals(newRefreshTokenHash)) {
			this.jdbc.sql("""
					INSERT INTO oauth_rotated_refresh_tokens (token_hash, authorization_id) VALUES (?, ?)
					ON CONFLICT (token_hash) DO NOTHING""")
				.params(previousRefreshTokenHash, stored.id())
				.update();
		}
		return Optional.of(new Previous(previousAccessTokenHash, (Boolean) previous.get(0)[2]));
	}

	/** @return whether the cache took it */
	private boolean cacheWritten(StoredAuthorization stored, String previousAccessTokenHash) {
		String accessTokenHash = (stored.accessToken() != null) ? stored.accessToken().hash() : null;
		boolean written = true;
		if (previousAccessTokenHash != null && !previousAccessTokenHash.equals(accessTokenHash)) {
			// The old access token was replaced (refresh): it no longer resolves.
			written = this.cache.putIfNewer(previousAccessTokenHash,
					AccessTokenCache.Entry.tombstone(stored.version()), this.cacheTtl);
		}
		return cache(stored) && written;
	}

	/** @return whether the cache took it */
	private boolean cache(StoredAuthorization stored) {
		if (stored.accessToken() != null) {
			return this.cache.putIfNewer(stored.accessToken().hash(),
					new AccessTokenCache.Entry(stored.version(), this.codec.toJson(stored)),
					cacheTtl(stored.accessToken()));
		}
		return true;
	}

	private Duration cacheTtl(StoredToken accessToken) {
		if (accessToken == null || accessToken.expiresAt() == null) {
			return this.cacheTtl;
		}
		Duration untilExpiry = Duration.between(this.clock.instant(), accessToken.expiresAt());
		if (untilExpiry.isNegative() || untilExpiry.isZero()) {
			return Duration.ofSeconds(1);
		}
		return (untilExpiry.compareTo(this.cacheTtl) < 0) ? untilExpiry : this.cacheTtl;
	}

	private Optional<StoredAuthorization> findByHash(TokenKind kind, String hash) {
		return this.jdbc.sql("SELECT * FROM oauth_authorizations WHERE " + kind.hashColumn() + " = ?")
			.param(hash)
			.query(this::map)
			.optional();
	}

	/**
	 * A grant holding the hash as one of its tokens. Never the consent {@code state}: that is
	 * looked up only by its own type (the consent step), so a state value sent to
	 * introspection or revocation is just an unknown token.
	 */
	private Optional<StoredAuthorization> findByAnyHash(String hash) {
		return this.jdbc.sql("""
				SELECT * FROM oauth_authorizations WHERE access_token_hash = :hash OR refresh_token_hash = :hash
				  OR code_hash = :hash OR id_token_hash = :hash LIMIT 1""")
			.param("hash", hash)
			.query(this::map)
			.optional();
	}

	/** What a row held before an update. */
	private record Previous(String accessTokenHash, boolean accessTokenInvalidated) {
	}

	private static TokenKind matchedKind(StoredAuthorization stored, String hash) {
		if (stored.accessToken() != null && hash.equals(stored.accessToken().hash())) {
			return TokenKind.ACCESS_TOKEN;
		}
		if (stored.refreshToken() != null && hash.equals(stored.refreshToken().hash())) {
			return TokenKind.REFRESH_TOKEN;
		}
		if (stored.code() != null && hash.equals(stored.code().hash())) {
			return TokenKind.CODE;
		}
		return TokenKind.ID_TOKEN;
	}

	private OAuth2Authorization decode(StoredAuthorization stored, String presentedValue, TokenKind presentedKind) {
		RegisteredClient client = this.clients.findById(stored.registeredClientId());
		if (client == null) {
			// The client was deleted or disabled: nothing it was granted works any more.
			return null;
		}
		return this.codec.decode(stored, client, presentedValue, presentedKind);
	}

	private static Map<String, Object> parameters(StoredAuthorization stored) {
		Map<String, Object> parameters = new HashMap<>();
		parameters.put("id", stored.id());
		parameters.put("client", stored.registeredClientId());
		parameters.put("principal", stored.principalName());
		parameters.put("grant", stored.grantType());
		parameters.put("scopes", stored.authorizedScopes());
		parameters.put("attributes", stored.attributes());
		parameters.put("session", stored.sessionId());
		parameters.put("state", stored.stateHash());
		putToken(parameters, "code", stored.code());
		putToken(parameters, "access", stored.accessToken());
		parameters.put("access_scopes", stored.accessTokenScopes());
		putToken(parameters, "refresh", stored.refreshToken());
		putToken(parameters, "id", stored.idToken());
		parameters.put("version", stored.version());
		parameters.put("created", timestamp(stored.createdAt()));
		return parameters;
	}

	private static void putToken(Map<String, Object> parameters, String name, StoredToken token) {
		parameters.put(name + "_hash", (token != null) ? token.hash() : null);
		parameters.put(name + "_issued", (token != null) ? timestamp(token.issuedAt()) : null);
		parameters.put(name + "_expires", (token != null) ? timestamp(token.expiresAt()) : null);
		parameters.put(name + "_metadata", (token != null) ? token.metadata() : null);
	}

	private static Timestamp timestamp(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	private StoredAuthorization map(ResultSet rs, int row) throws SQLException {
		return new StoredAuthorization(rs.getString("id"), rs.getString("registered_client_id"),
				rs.getString("principal_name"), rs.getString("grant_type"), rs.getString("authorized_scopes"),
				rs.getString("attributes"), rs.getString("session_id"), rs.getString("state_hash"),
				token(rs, "code"), token(rs, "access_token"), rs.getString("access_token_scopes"),
				token(rs, "refresh_token"), token(rs, "id_token"), rs.getLong("version"),
				rs.getTimestamp("created_at").toInstant());
	}

	private static StoredToken token(ResultSet rs, String prefix) throws SQLException {
		String hash = rs.getString(prefix + "_hash");
		if (hash == null) {
			return null;
		}
		Timestamp issued = rs.getTimestamp(prefix + "_issued_at");
		Timestamp expires = rs.getTimestamp(prefix + "_expires_at");
		return new StoredToken(hash, (issued != null) ? issued.toInstant() : null,
				(expires != null) ? expires.toInstant() : null, rs.getString(prefix + "_metadata"));
	}

}
