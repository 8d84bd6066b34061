package dev.lanyard.server.client;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import dev.lanyard.server.storage.SqlValues;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Registered clients in PostgreSQL. */
@Repository
public class JdbcOAuthClientRepository {

	private final JdbcClient jdbc;

	public JdbcOAuthClientRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<OAuthClient> findByClientId(String clientId) {
		return this.jdbc.sql("SELECT * FROM oauth_clients WHERE client_id = ?")
			.param(clientId)
			.query(this::map)
			.optional();
	}

	/** The client, its row locked until the transaction ends (a change made from it). */
	public Optional<OAuthClient> findByClientIdForUpdate(String clientId) {
		return this.jdbc.sql("SELECT * FROM oauth_clients WHERE client_id = ? FOR UPDATE")
			.param(clientId)
			.query(this::map)
			.optional();
	}

	public Optional<OAuthClient> findById(String id) {
		return this.jdbc.sql("SELECT * FROM oauth_clients WHERE id = ?").param(id).query(this::map).optional();
	}

	public List<OAuthClient> findAll() {
		return this.jdbc.sql("SELECT * FROM oauth_clients ORDER BY client_id").query(this::map).list();
	}

	/** Clients whose id or name contains the text (any case), by client id. */
	public List<OAuthClient> search(String text, int limit, long offset) {
		return this.jdbc.sql("""
				SELECT * FROM oauth_clients WHERE client_id ILIKE :pattern OR client_name ILIKE :pattern
				ORDER BY client_id LIMIT :limit OFFSET :offset""")
			.param("pattern", SqlValues.containsPattern(text))
			.param("limit", limit)
			.param("offset", offset)
			.query(this::map)
			.list();
	}

	public long countMatching(String text) {
		return this.jdbc
			.sql("SELECT count(*) FROM oauth_clients WHERE client_id ILIKE :pattern OR client_name ILIKE :pattern")
			.param("pattern", SqlValues.containsPattern(text))
			.query(Long.class)
			.single();
	}

	public long count() {
		return this.jdbc.sql("SELECT count(*) FROM oauth_clients").query(Long.class).single();
	}

	public void insert(OAuthClient client) {
		this.jdbc
			.sql("""
					INSERT INTO oauth_clients (id, client_id, client_name, logo_uri, client_secret_hash, client_id_issued_at,
					  token_endpoint_auth_method, jwks, jwks_uri, redirect_uris, post_logout_redirect_uris, grant_types,
					  scopes, require_pkce, require_consent, access_token_ttl_seconds, refresh_token_idle_seconds,
					  refresh_token_max_seconds, exchange_audiences, introspection_allowed,
					  require_pushed_authorization_requests, dpop_bound_access_tokens, require_mfa, backchannel_logout_uri,
					  backchannel_logout_session_required, enabled)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(client.id(), client.clientId(), client.clientName(), client.logoUri(), client.clientSecretHash(),
					Timestamp.from(client.clientIdIssuedAt()), client.tokenEndpointAuthMethod(), client.jwks(),
					client.jwksUri(), SqlValues.of(client.redirectUris()),
					SqlValues.of(client.postLogoutRedirectUris()), SqlValues.of(client.grantTypes()),
					SqlValues.of(client.scopes()), client.requirePkce(), client.requireConsent(),
					seconds(client.accessTokenTtl()), seconds(client.refreshTokenIdle()),
					seconds(client.refreshTokenMax()), SqlValues.of(client.exchangeAudiences()),
					client.introspectionAllowed(), client.requirePushedAuthorizationRequests(),
					client.dpopBoundAccessTokens(), client.requireMfa(), client.backchannelLogoutUri(),
					client.backchannelLogoutSessionRequired(), client.enabled())
			.update();
	}

	/** Updates every field but the ids; the secret hash too. */
	public void update(OAuthClient client) {
		this.jdbc
			.sql("""
					UPDATE oauth_clients SET client_name = ?, logo_uri = ?, client_secret_hash = ?, token_endpoint_auth_method = ?,
					  jwks = ?, jwks_uri = ?, redirect_uris = ?, post_logout_redirect_uris = ?, grant_types = ?, scopes = ?, require_pkce = ?,
					  require_consent = ?, access_token_ttl_seconds = ?, refresh_token_idle_seconds = ?,
					  refresh_token_max_seconds = ?, exchange_audiences = ?, introspection_allowed = ?,
					 require_pushed_authorization_requests = ?, dpop_bound_access_tokens = ?, require_mfa = ?, backchannel_logout_uri = ?,
					  backchannel_logout_session_required = ?, enabled = ?,
					  updated_at = now()
					WHERE id = ?""")
			.params(client.clientName(), client.logoUri(), client.clientSecretHash(), client.tokenEndpointAuthMethod(),
					client.jwks(), client.jwksUri(), SqlValues.of(client.redirectUris()),
					SqlValues.of(client.postLogoutRedirectUris()), SqlValues.of(client.grantTypes()),
					SqlValues.of(client.scopes()), client.requirePkce(), client.requireConsent(),
					seconds(client.accessTokenTtl()), seconds(client.refreshTokenIdle()),
					seconds(client.refreshTokenMax()), SqlValues.of(client.exchangeAudiences()),
					client.introspectionAllowed(), client.requirePushedAuthorizationRequests(),
					client.dpopBoundAccessTokens(), client.requireMfa(), client.backchannelLogoutUri(),
					client.backchannelLogoutSessionRequired(), client.enabled(), client.id())
			.update();
	}

	public boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM oauth_clients WHERE id = ?").param(id).update() > 0;
	}

	private OAuthClient map(ResultSet rs, int row) throws SQLException {
		return new OAuthClient(rs.getString("id"), rs.getString("client_id"), rs.getString("client_name"),
				rs.getString("logo_uri"), rs.getString("client_secret_hash"),
				instant(rs.getTimestamp("client_id_issued_at")), rs.getString("token_endpoint_auth_method"),
				rs.getString("jwks"), rs.getString("jwks_uri"), SqlValues.toList(rs.getArray("redirect_uris")),
				SqlValues.toList(rs.getArray("post_logout_redirect_uris")),
				new HashSet<>(SqlValues.toList(rs.getArray("grant_types"))),
				new HashSet<>(SqlValues.toList(rs.getArray("scopes"))), rs.getBoolean("require_pkce"),
				rs.getBoolean("require_consent"), Duration.ofSeconds(rs.getInt("access_token_ttl_seconds")),
				Duration.ofSeconds(rs.getInt("refresh_token_idle_seconds")),
				Duration.ofSeconds(rs.getInt("refresh_token_max_seconds")),
				SqlValues.toList(rs.getArray("exchange_audiences")), rs.getBoolean("introspection_allowed"),
				rs.getBoolean("require_pushed_authorization_requests"), rs.getBoolean("dpop_bound_access_tokens"),
				rs.getBoolean("require_mfa"), rs.getString("backchannel_logout_uri"),
				rs.getBoolean("backchannel_logout_session_required"), rs.getBoolean("enabled"),
				instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
	}

	private static int seconds(Duration duration) {
		return Math.toIntExact(duration.toSeconds());
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
