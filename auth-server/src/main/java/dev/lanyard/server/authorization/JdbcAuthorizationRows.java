package dev.lanyard.server.authorization;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;
import dev.lanyard.server.storage.SqlValues;
import dev.lanyard.server.storage.TablePurges;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The grant rows ({@code oauth_authorizations}) and the tables kept beside them
 * (rotated-away refresh tokens, replaced access tokens): every SQL statement on them, and
 * nothing else. Callers hold the transactions. Thread-safe.
 */
final class JdbcAuthorizationRows {

	/** Which grants a revocation selects. */
	enum Selector {

		SESSION("session_id"), PRINCIPAL("principal_name"), CLIENT("registered_client_id"), ID("id"),
		/** The provider a user signed in through (the stored principal's {@code idp}). */
		IDENTITY_PROVIDER("(attributes -> '" + java.security.Principal.class.getName() + "' ->> 'idp')");

		private final String column;

		Selector(String column) {
			this.column = column;
		}

	}

	private static final String INVALIDATE = """
			code_metadata = CASE WHEN code_hash IS NULL THEN code_metadata
			  ELSE jsonb_set(coalesce(code_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			device_code_metadata = CASE WHEN device_code_hash IS NULL THEN device_code_metadata
			  ELSE jsonb_set(coalesce(device_code_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			user_code_metadata = CASE WHEN user_code_hash IS NULL THEN user_code_metadata
			  ELSE jsonb_set(coalesce(user_code_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			access_token_metadata = CASE WHEN access_token_hash IS NULL THEN access_token_metadata
			  ELSE jsonb_set(coalesce(access_token_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			refresh_token_metadata = CASE WHEN refresh_token_hash IS NULL THEN refresh_token_metadata
			  ELSE jsonb_set(coalesce(refresh_token_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true') END,
			version = version + 1, updated_at = now()""";

	/** A grant with a token that could still be presented. */
	/**
	 * How far the nodes' clocks may differ for a token's expiry: one that expired by less
	 * is still revoked.
	 */
	static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(60);

	private static final String LIVE = """
			((code_hash IS NOT NULL AND code_expires_at > :now
			    AND NOT coalesce((code_metadata ->> 'metadata.token.invalidated')::boolean, false))
			  OR (device_code_hash IS NOT NULL AND device_code_expires_at > :now
			    AND NOT coalesce((device_code_metadata ->> 'metadata.token.invalidated')::boolean, false))
			  OR (access_token_hash IS NOT NULL AND access_token_expires_at > :now
			    AND NOT coalesce((access_token_metadata ->> 'metadata.token.invalidated')::boolean, false))
			  OR (refresh_token_hash IS NOT NULL AND (refresh_token_expires_at IS NULL OR refresh_token_expires_at > :now)
			    AND NOT coalesce((refresh_token_metadata ->> 'metadata.token.invalidated')::boolean, false)))""";

	/**
	 * The columns a new row is written with, each with its JDBC type and its value: one
	 * list for the positional INSERT (no parameter map per row on the token endpoint's
	 * path) and the named parameters of the UPDATE.
	 */
	private static final List<Column> COLUMNS = columns();

	/**
	 * A new version of a row, if still at the version read, returning what it held. Both
	 * sides find the row by its primary key ({@code a.id = :id} as well as the join):
	 * with the join alone, a plan PostgreSQL made while the table was small (and keeps
	 * for the connection's life) joined every row of the table to the locked one, and
	 * each code redemption cost ~0.4 s of PostgreSQL CPU once the table held 140,000
	 * grants.
	 */
	static final String UPDATE = """
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
			  id_token_metadata = :id_metadata::jsonb,
			  device_code_hash = :device_hash, device_code_issued_at = :device_issued,
			  device_code_expires_at = :device_expires, device_code_metadata = :device_metadata::jsonb,
			  user_code_hash = :user_hash, user_code_issued_at = :user_issued, user_code_expires_at = :user_expires,
			  user_code_metadata = :user_metadata::jsonb, version = :version, updated_at = now()
			FROM (SELECT id, access_token_hash, refresh_token_hash, access_token_expires_at,
			        coalesce((access_token_metadata ->> 'metadata.token.invalidated')::boolean, false) AS revoked
			      FROM oauth_authorizations WHERE id = :id FOR UPDATE) previous
			WHERE a.id = :id AND a.id = previous.id AND a.version = :expected_version
			RETURNING previous.access_token_hash, previous.refresh_token_hash, previous.revoked,
			  previous.access_token_expires_at""";

	private static final String INSERT = "INSERT INTO oauth_authorizations ("
			+ COLUMNS.stream().map(Column::name).collect(Collectors.joining(", ")) + ") VALUES ("
			+ COLUMNS.stream().map((column) -> column.json() ? "?::jsonb" : "?").collect(Collectors.joining(", "))
			+ ")";

	private static final int[] INSERT_TYPES = COLUMNS.stream().mapToInt(Column::sqlType).toArray();

	private final JdbcOperations positional;

	private final JdbcClient jdbc;

	private final Clock clock;

	JdbcAuthorizationRows(NamedParameterJdbcOperations jdbc, Clock clock) {
		this.positional = jdbc.getJdbcOperations();
		this.jdbc = JdbcClient.create(jdbc);
		this.clock = clock;
	}

	void insert(StoredAuthorization stored) {
		insert(new NewRow(stored, null));
	}

	/**
	 * Inserts a new row; the caller holds the transaction.
	 * @return whether it stays written: {@code false} when its client no longer has the
	 * credentials it authenticated with (see {@link #insertAll})
	 */
	boolean insert(NewRow row) {
		return insertAll(List.of(row))[0];
	}

	/**
	 * Inserts new rows in one JDBC batch (one round trip); the caller holds the
	 * transaction that makes them durable together. A client's own grant stays written
	 * only while the client still has the credentials it authenticated with
	 * ({@link CredentialsAuthenticatedWith}): read once for the batch, after it; a grant
	 * whose client's credentials changed is taken out again. A change of credentials
	 * holds the client's row until it commits, and its revocation of the client's grants
	 * cannot see rows written meanwhile: one whose credentials were read here just before
	 * that commit may still slip past it, which the change's second revocation, seconds
	 * after its commit, catches ({@code ClientService}).
	 * @return for each row, whether it stays written
	 */
	boolean[] insertAll(List<NewRow> rows) {
		List<Object[]> values = new ArrayList<>(rows.size());
		for (NewRow row : rows) {
			values.add(values(row.row()));
		}
		this.positional.batchUpdate(INSERT, values, INSERT_TYPES);
		boolean[] written = new boolean[rows.size()];
		Arrays.fill(written, true);
		Set<String> clients = new HashSet<>();
		rows.stream()
			.map(NewRow::credentials)
			.filter(Objects::nonNull)
			.forEach((credentials) -> clients.add(credentials.registeredClientId()));
		if (clients.isEmpty()) {
			return written;
		}
		// Client by client (a group's rows are mostly one client's), each by its primary
		// key: a list of ids is planned as a scan of the table while it is small.
		Map<String, CredentialsAuthenticatedWith> current = new HashMap<>();
		for (String client : clients) {
			this.jdbc.sql("""
					SELECT id, client_secret_hash, token_endpoint_auth_method, jwks, jwks_uri FROM oauth_clients
					WHERE id = ? AND enabled""").param(client).query((rs) -> {
				current.put(rs.getString(1), new CredentialsAuthenticatedWith(rs.getString(1), rs.getString(2),
						rs.getString(3), rs.getString(4), rs.getString(5)));
			});
		}
		List<String> outdated = new ArrayList<>();
		for (int i = 0; i < rows.size(); i++) {
			CredentialsAuthenticatedWith credentials = rows.get(i).credentials();
			if (credentials != null && !credentials.equals(current.get(credentials.registeredClientId()))) {
				written[i] = false;
				outdated.add(rows.get(i).row().id());
			}
		}
		for (String id : outdated) {
			this.jdbc.sql("DELETE FROM oauth_authorizations WHERE id = ?").param(id).update();
		}
		return written;
	}

	/**
	 * A new row, and for a client's own grant the credentials the client authenticated
	 * with ({@code null} for any other grant).
	 */
	record NewRow(StoredAuthorization row, CredentialsAuthenticatedWith credentials) {
	}

	/**
	 * Writes a new version of a row if it is still at the version read, and remembers
	 * what it replaced: a rotated-away refresh token (to detect its reuse) and a replaced
	 * access token that has not expired (a gateway may still hold a JWT for it, HD-02).
	 * @return what the row held before, or empty if the row was changed or removed
	 * meanwhile
	 */
	Optional<Previous> update(StoredAuthorization stored, long expectedVersion) {
		Map<String, Object> parameters = parameters(stored);
		parameters.put("expected_version", expectedVersion);
		List<Object[]> previous = this.jdbc.sql(UPDATE)
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
				&& previousAccessTokenExpiry != null
				&& previousAccessTokenExpiry.toInstant().isAfter(this.clock.instant())) {
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
					ON CONFLICT (token_hash) DO NOTHING""").params(previousRefreshTokenHash, stored.id()).update();
		}
		return Optional.of(new Previous(previousAccessTokenHash, (Boolean) previous.get(0)[2]));
	}

	/**
	 * Marks the user code of a device request that expired while waiting as used, so that
	 * a new request may draw the same code (V20 keeps a waiting code unique).
	 * @return how many rows gave the code up (0: the code is still waiting)
	 */
	int releaseExpiredUserCode(String userCodeHash) {
		return this.jdbc.sql("""
				UPDATE oauth_authorizations SET user_code_metadata =
				  jsonb_set(coalesce(user_code_metadata, '{}'::jsonb), '{metadata.token.invalidated}', 'true')
				WHERE user_code_hash = ? AND user_code_expires_at <= ?
				  AND NOT coalesce((user_code_metadata ->> 'metadata.token.invalidated')::boolean, false)""")
			.params(userCodeHash, java.sql.Timestamp.from(this.clock.instant()))
			.update();
	}

	/**
	 * @return whether the row was there to delete
	 */
	boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM oauth_authorizations WHERE id = ?").param(id).update() == 1;
	}

	Optional<StoredAuthorization> findById(String id) {
		return this.jdbc.sql("SELECT * FROM oauth_authorizations WHERE id = ?").param(id).query(this::map).optional();
	}

	Optional<StoredAuthorization> findByHash(TokenKind kind, String hash) {
		// A user code is unique only while it waits for a person (V20): the one waiting.
		String waiting = (kind == TokenKind.USER_CODE)
				? " AND NOT coalesce((user_code_metadata ->> 'metadata.token.invalidated')::boolean, false)" : "";
		return this.jdbc.sql("SELECT * FROM oauth_authorizations WHERE " + kind.hashColumn() + " = ?" + waiting)
			.param(hash)
			.query(this::map)
			.optional();
	}

	/**
	 * A grant holding the hash as one of its tokens. Never the consent {@code state}:
	 * that is looked up only by its own type (the consent step), so a state value sent to
	 * introspection or revocation is just an unknown token.
	 */
	Optional<StoredAuthorization> findByAnyHash(String hash) {
		return this.jdbc.sql("""
				SELECT * FROM oauth_authorizations WHERE access_token_hash = :hash OR refresh_token_hash = :hash
				  OR code_hash = :hash OR id_token_hash = :hash LIMIT 1""")
			.param("hash", hash)
			.query(this::map)
			.optional();
	}

	/** The grant a refresh token was rotated away from, if it is one. */
	Optional<String> grantOfRotatedRefreshToken(String hash) {
		return this.jdbc.sql("SELECT authorization_id FROM oauth_rotated_refresh_tokens WHERE token_hash = ?")
			.param(hash)
			.query(String.class)
			.optional();
	}

	/**
	 * The ids of one person's live grants of sign-ins through an identity provider (the
	 * stored principal's {@code idp}); found by the person's index.
	 */
	List<String> liveThroughIdentityProvider(String providerId, String principalName) {
		return this.jdbc
			.sql("SELECT id FROM oauth_authorizations WHERE principal_name = :principal AND "
					+ Selector.IDENTITY_PROVIDER.column + " = :provider AND " + LIVE)
			.param("provider", providerId)
			.param("principal", principalName)
			.param("now", Timestamp.from(revocableAfter()))
			.query(String.class)
			.list();
	}

	/**
	 * Marks every token of the selected live grants invalidated. Grants with nothing left
	 * to present (all tokens expired or already revoked) are left alone, so a user or
	 * client with a long history does not rewrite it on every revocation; "expired" with
	 * {@link #CLOCK_TOLERANCE} to spare ({@link #revocableAfter}).
	 * @return the rows as revoked
	 */
	List<StoredAuthorization> invalidateLive(Selector selector, String value) {
		return this.jdbc
			.sql("UPDATE oauth_authorizations SET " + INVALIDATE + " WHERE " + selector.column + " = :value AND " + LIVE
					+ " RETURNING *")
			.param("value", value)
			.param("now", Timestamp.from(revocableAfter()))
			.query(this::map)
			.list();
	}

	/**
	 * The moment a token must expire after to be revoked: this node's now, less the
	 * clocks' tolerance. The node that accepts a token judges its expiry by its own
	 * clock; a refresh token this node's clock (ahead) saw as just expired was left out
	 * of a revocation (a password change, "sign out everywhere") and redeemed on a node
	 * whose clock is behind, for a fresh pair.
	 */
	private Instant revocableAfter() {
		return this.clock.instant().minus(CLOCK_TOLERANCE);
	}

	/**
	 * The clients and login sessions of the grants a selector names, live or not, that
	 * carried an ID token (a session at the client), with each one's newest grant: when
	 * the database stored it (V40), by the clock the back-channel logouts' times are on.
	 */
	List<SessionEndObserver.EndedGrant> sessionGrants(Selector selector, String value) {
		return this.jdbc.sql("""
				SELECT registered_client_id, principal_name, session_id, max(stored_at) AS last_grant_at
				FROM oauth_authorizations
				WHERE %s = :value AND session_id IS NOT NULL AND id_token_hash IS NOT NULL
				GROUP BY registered_client_id, principal_name, session_id""".formatted(selector.column))
			.param("value", value)
			.query((rs, row) -> new SessionEndObserver.EndedGrant(rs.getString("registered_client_id"),
					rs.getString("principal_name"), rs.getString("session_id"),
					rs.getTimestamp("last_grant_at").toInstant()))
			.list();
	}

	/**
	 * The hashes of the unexpired access tokens that refreshes of these grants replaced.
	 */
	List<String> replacedAccessTokens(List<String> authorizationIds) {
		if (authorizationIds.isEmpty()) {
			return List.of();
		}
		// One index lookup per grant: OFFSET 0 keeps the subquery out of the join, so
		// no plan reads the table whole, however small PostgreSQL believes it to be
		// (RequestPathPlansTest); "authorization_id = ANY(:ids)" was planned so.
		return this.jdbc.sql("""
				SELECT r.token_hash FROM unnest(:ids) AS g(id)
				CROSS JOIN LATERAL (SELECT token_hash FROM oauth_replaced_access_tokens
				  WHERE authorization_id = g.id AND expires_at > :now OFFSET 0) r""")
			.param("ids", SqlValues.of(authorizationIds))
			.param("now", Timestamp.from(this.clock.instant()))
			.query(String.class)
			.list();
	}

	/** How long an authorization holding only a state (no token) is kept. */
	static final Duration STATE_RETENTION = Duration.ofHours(1);

	/**
	 * When a grant went quiet: the later of its last change and its last expiry (its
	 * creation when it never held an expiring token). The expression of the
	 * {@code oauth_authorizations_quiet_since} index (V36), which the purge walks: it
	 * must stay the same text to be served by it.
	 */
	static final String QUIET_SINCE = """
			greatest(updated_at,
			  coalesce(greatest(code_expires_at, access_token_expires_at, refresh_token_expires_at, device_code_expires_at),
			    created_at))""";

	/**
	 * Deletes grants that have had nothing presentable for longer than {@code retention}:
	 * every token expired or revoked, and nothing changed since. Walks the grants in the
	 * order they went quiet, {@link TablePurges#BATCH} at a time, each step its own short
	 * statements (a backlog neither holds long locks nor outlives the connection's read
	 * timeout), at most {@link TablePurges#MOST_BATCHES_PER_RUN} steps a run.
	 * @return how many grants were deleted
	 */
	int purgeDead(Duration retention) {
		Instant now = this.clock.instant();
		Timestamp cutoff = Timestamp.from(now.minus(retention));
		int total = 0;
		// Replaced access tokens are remembered until they expire, whatever their grant.
		TablePurges.deleteInBatches(this.jdbc, "oauth_replaced_access_tokens", "expires_at < :now", "expires_at",
				Map.of("now", Timestamp.from(now)));
		List<String> dead;
		int batches = 0;
		do {
			dead = this.jdbc
				.sql("SELECT id FROM oauth_authorizations WHERE " + QUIET_SINCE + " < :cutoff AND NOT" + LIVE
						+ " ORDER BY " + QUIET_SINCE + " LIMIT " + TablePurges.BATCH)
				.param("cutoff", cutoff)
				.param("now", Timestamp.from(now))
				.query(String.class)
				.list();
			if (dead.isEmpty()) {
				break;
			}
			String[] ids = SqlValues.of(dead);
			// A grant refreshed every few minutes for weeks rotated thousands of refresh
			// tokens away: they go in statements of their own, not as one cascade.
			TablePurges.deleteInBatches(this.jdbc, "oauth_rotated_refresh_tokens", "authorization_id = ANY(:ids)", null,
					Map.of("ids", ids));
			total += this.jdbc
				.sql("DELETE FROM oauth_authorizations WHERE id = ANY(:ids) AND " + QUIET_SINCE + " < :cutoff AND NOT"
						+ LIVE)
				.param("ids", ids)
				.param("cutoff", cutoff)
				.param("now", Timestamp.from(now))
				.update();
		}
		while (dead.size() == TablePurges.BATCH && ++batches < TablePurges.MOST_BATCHES_PER_RUN);
		// Pushed authorization requests (RFC 9126, good for 300 s) and consent states
		// that were never used: no token, only a state. Their parameters are kept no
		// longer than STATE_RETENTION.
		total += TablePurges.deleteInBatches(this.jdbc, "oauth_authorizations", """
				state_hash IS NOT NULL AND code_hash IS NULL AND access_token_hash IS NULL
				  AND refresh_token_hash IS NULL AND id_token_hash IS NULL AND created_at < :cutoff""", null,
				Map.of("cutoff", Timestamp.from(now.minus(STATE_RETENTION))));
		// Device requests (RFC 8628) nobody answered, or answered but never redeemed:
		// nothing of them is kept longer than STATE_RETENTION after their device code
		// expired.
		total += TablePurges.deleteInBatches(this.jdbc, "oauth_authorizations", """
				device_code_hash IS NOT NULL AND access_token_hash IS NULL AND refresh_token_hash IS NULL
				  AND device_code_expires_at < :cutoff""", null,
				Map.of("cutoff", Timestamp.from(now.minus(STATE_RETENTION))));
		return total;
	}

	private static List<Column> columns() {
		List<Column> columns = new ArrayList<>(List.of(Column.of("id", "id", Types.VARCHAR, StoredAuthorization::id),
				Column.of("registered_client_id", "client", Types.VARCHAR, StoredAuthorization::registeredClientId),
				Column.of("principal_name", "principal", Types.VARCHAR, StoredAuthorization::principalName),
				Column.of("grant_type", "grant", Types.VARCHAR, StoredAuthorization::grantType),
				Column.of("authorized_scopes", "scopes", Types.VARCHAR, StoredAuthorization::authorizedScopes),
				Column.json("attributes", "attributes", StoredAuthorization::attributes),
				Column.of("session_id", "session", Types.VARCHAR, StoredAuthorization::sessionId),
				Column.of("state_hash", "state", Types.VARCHAR, StoredAuthorization::stateHash),
				Column.of("version", "version", Types.BIGINT, StoredAuthorization::version),
				Column.of("created_at", "created", Types.TIMESTAMP, (stored) -> timestamp(stored.createdAt())),
				Column.of("access_token_scopes", "access_scopes", Types.VARCHAR,
						StoredAuthorization::accessTokenScopes)));
		columns.addAll(Column.token("code", "code", StoredAuthorization::code));
		columns.addAll(Column.token("access_token", "access", StoredAuthorization::accessToken));
		columns.addAll(Column.token("refresh_token", "refresh", StoredAuthorization::refreshToken));
		columns.addAll(Column.token("id_token", "id", StoredAuthorization::idToken));
		columns.addAll(Column.token("device_code", "device", StoredAuthorization::deviceCode));
		columns.addAll(Column.token("user_code", "user", StoredAuthorization::userCode));
		return List.copyOf(columns);
	}

	/**
	 * A column of a new row: its name, the UPDATE's parameter for it, its JDBC type
	 * (given, so a null needs no look-up of the driver) and whether it is cast to jsonb.
	 */
	private record Column(String name, String parameter, int sqlType, boolean json,
			Function<StoredAuthorization, Object> value) {

		static Column of(String name, String parameter, int sqlType, Function<StoredAuthorization, Object> value) {
			return new Column(name, parameter, sqlType, false, value);
		}

		static Column json(String name, String parameter, Function<StoredAuthorization, Object> value) {
			return new Column(name, parameter, Types.VARCHAR, true, value);
		}

		/** A stored token's four columns. */
		static List<Column> token(String prefix, String parameter, Function<StoredAuthorization, StoredToken> token) {
			return List.of(
					of(prefix + "_hash", parameter + "_hash", Types.VARCHAR,
							(stored) -> field(token, stored, StoredToken::hash)),
					of(prefix + "_issued_at", parameter + "_issued", Types.TIMESTAMP,
							(stored) -> field(token, stored, (t) -> timestamp(t.issuedAt()))),
					of(prefix + "_expires_at", parameter + "_expires", Types.TIMESTAMP,
							(stored) -> field(token, stored, (t) -> timestamp(t.expiresAt()))),
					json(prefix + "_metadata", parameter + "_metadata",
							(stored) -> field(token, stored, StoredToken::metadata)));
		}

		private static Object field(Function<StoredAuthorization, StoredToken> token, StoredAuthorization stored,
				Function<StoredToken, Object> field) {
			StoredToken value = token.apply(stored);
			return (value != null) ? field.apply(value) : null;
		}

	}

	/** What a row held before an update. */
	record Previous(String accessTokenHash, boolean accessTokenInvalidated) {
	}

	private static Object[] values(StoredAuthorization stored) {
		Object[] values = new Object[COLUMNS.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = COLUMNS.get(i).value().apply(stored);
		}
		return values;
	}

	private static Map<String, Object> parameters(StoredAuthorization stored) {
		Map<String, Object> parameters = new HashMap<>();
		for (Column column : COLUMNS) {
			parameters.put(column.parameter(), column.value().apply(stored));
		}
		return parameters;
	}

	private static Timestamp timestamp(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	private StoredAuthorization map(ResultSet rs, int row) throws SQLException {
		return new StoredAuthorization(rs.getString("id"), rs.getString("registered_client_id"),
				rs.getString("principal_name"), rs.getString("grant_type"), rs.getString("authorized_scopes"),
				rs.getString("attributes"), rs.getString("session_id"), rs.getString("state_hash"), token(rs, "code"),
				token(rs, "access_token"), rs.getString("access_token_scopes"), token(rs, "refresh_token"),
				token(rs, "id_token"), token(rs, "device_code"), token(rs, "user_code"), rs.getLong("version"),
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
