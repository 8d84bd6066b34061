package dev.lanyard.server.authorization;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads which grants are active: a token not revoked and not expired. */
@Repository
public class JdbcActiveGrants {

	private static final String ACTIVE = """
			((access_token_hash IS NOT NULL AND access_token_expires_at > now()
			   AND NOT coalesce((access_token_metadata ->> 'metadata.token.invalidated')::boolean, false))
			 OR (refresh_token_hash IS NOT NULL AND refresh_token_expires_at > now()
			   AND NOT coalesce((refresh_token_metadata ->> 'metadata.token.invalidated')::boolean, false)))""";

	private static final String COLUMNS = """
			SELECT id, registered_client_id, principal_name, grant_type, authorized_scopes, created_at, updated_at,
			  greatest(access_token_expires_at, refresh_token_expires_at) AS expires_at FROM oauth_authorizations""";

	private final JdbcClient jdbc;

	public JdbcActiveGrants(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<ActiveGrant> forPrincipal(String principalName) {
		return this.jdbc
			.sql(COLUMNS + " WHERE principal_name = ? AND " + ACTIVE + " ORDER BY created_at DESC LIMIT 500")
			.param(principalName)
			.query(this::map)
			.list();
	}

	/**
	 * The sign-in sessions (their {@code sid}) the person's live grants were issued in.
	 */
	public List<String> sessionsOf(String principalName) {
		return this.jdbc.sql(
				"SELECT DISTINCT session_id FROM oauth_authorizations WHERE principal_name = ? AND session_id IS NOT NULL AND "
						+ ACTIVE)
			.param(principalName)
			.query(String.class)
			.list();
	}

	public List<ActiveGrant> forClient(String registeredClientId, int limit) {
		return this.jdbc
			.sql(COLUMNS + " WHERE registered_client_id = ? AND " + ACTIVE + " ORDER BY created_at DESC LIMIT ?")
			.params(registeredClientId, limit)
			.query(this::map)
			.list();
	}

	public Optional<ActiveGrant> find(String id) {
		return this.jdbc.sql(COLUMNS + " WHERE id = ?").param(id).query(this::map).optional();
	}

	public long countActive() {
		return this.jdbc.sql("SELECT count(*) FROM oauth_authorizations WHERE " + ACTIVE).query(Long.class).single();
	}

	private ActiveGrant map(ResultSet rs, int row) throws SQLException {
		String scopes = rs.getString("authorized_scopes");
		return new ActiveGrant(rs.getString("id"), rs.getString("registered_client_id"), rs.getString("principal_name"),
				rs.getString("grant_type"),
				(scopes == null || scopes.isBlank()) ? List.of() : Arrays.asList(scopes.split(" ")),
				rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
				(rs.getTimestamp("expires_at") != null) ? rs.getTimestamp("expires_at").toInstant() : null);
	}

}
