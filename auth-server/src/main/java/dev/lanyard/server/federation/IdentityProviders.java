package dev.lanyard.server.federation;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.PlainText;
import dev.lanyard.server.client.ClientValidator;
import dev.lanyard.server.key.MasterKey;
import dev.lanyard.server.storage.SqlValues;
import dev.lanyard.server.user.StandardClaim;
import dev.lanyard.server.user.UserService;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The upstream identity providers, in PostgreSQL; each one's client secret sealed with
 * the master key. Checks a provider's settings before it is stored.
 */
@Repository
public class IdentityProviders {

	private static final Logger logger = LoggerFactory.getLogger(IdentityProviders.class);

	/** Lower case, digits and dashes: it stands in paths and in the {@code idp} claim. */
	private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

	/**
	 * How Lanyard may authenticate at an upstream's token endpoint: with the secret (RFC
	 * 6749 §2.3.1), with an assertion signed by its own signing key (RFC 7523), or not at
	 * all (PKCE alone).
	 */
	public static final Set<String> TOKEN_ENDPOINT_AUTH_METHODS = Set.of("client_secret_basic", "client_secret_post",
			"private_key_jwt", "none");

	private static final TypeReference<LinkedHashMap<String, String>> MAPPINGS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final MasterKey masterKey;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * The sealed secrets already reported as unopenable: the login page lists the
	 * providers on every view, and one warning per secret is enough.
	 */
	private final Set<String> reportedUnopenable = ConcurrentHashMap.newKeySet();

	public IdentityProviders(JdbcClient jdbc, MasterKey masterKey) {
		this.jdbc = jdbc;
		this.masterKey = masterKey;
	}

	public Optional<IdentityProvider> find(String id) {
		if (!acceptableId(id)) {
			return Optional.empty();
		}
		return this.jdbc.sql("SELECT * FROM identity_providers WHERE id = ?").param(id).query(this::map).optional();
	}

	/** Every provider, by display name. */
	public List<IdentityProvider> all() {
		return this.jdbc.sql("SELECT * FROM identity_providers ORDER BY display_name, id").query(this::map).list();
	}

	/**
	 * A provider as stored, with when its settings last changed (the version a form
	 * shows), read together: a change committed between two reads would pair the old
	 * settings with the new version.
	 */
	public record Versioned(IdentityProvider provider, Instant updatedAt) {
	}

	/** Every provider with its version, by display name. */
	public List<Versioned> allVersioned() {
		return this.jdbc.sql("SELECT * FROM identity_providers ORDER BY display_name, id")
			.query((rs, row) -> new Versioned(map(rs, row), rs.getTimestamp("updated_at").toInstant()))
			.list();
	}

	/** The provider with its version. */
	public Optional<Versioned> findVersioned(String id) {
		if (!acceptableId(id)) {
			return Optional.empty();
		}
		return this.jdbc.sql("SELECT * FROM identity_providers WHERE id = ?")
			.param(id)
			.query((rs, row) -> new Versioned(map(rs, row), rs.getTimestamp("updated_at").toInstant()))
			.optional();
	}

	/**
	 * When the provider's settings last changed, its row locked until the end of the
	 * transaction (a change judged against this version cannot be overtaken).
	 */
	public Optional<Instant> versionForUpdate(String id) {
		return this.jdbc.sql("SELECT updated_at FROM identity_providers WHERE id = ? FOR UPDATE")
			.param(id)
			.query((rs, row) -> rs.getTimestamp("updated_at").toInstant())
			.optional();
	}

	/** The providers offered on the login page. */
	public List<IdentityProvider> enabled() {
		return all().stream().filter(IdentityProvider::enabled).toList();
	}

	/**
	 * Creates the provider, or brings the stored one (same id) in line with it.
	 * Idempotent: the bootstrap import gives the same provider at every start.
	 * @throws InputRejectedException if a setting is not acceptable
	 */
	public ImportOutcome save(IdentityProvider provider) {
		check(provider);
		Optional<IdentityProvider> existing = find(provider.id());
		if (existing.isPresent() && existing.get().equals(provider)) {
			return ImportOutcome.UNCHANGED;
		}
		if (existing.isPresent() && !sameIdentities(existing.get(), provider) && anyoneLinked(provider.id())) {
			// A subject means a person only at the upstream that issued it: at another
			// issuer (or read from another member) the same value may be someone else.
			throw new InputRejectedException("issuer", "idp.identity-source.linked");
		}
		byte[] sealedSecret = (provider.clientSecret() != null) ? this.masterKey
			.seal(provider.clientSecret().getBytes(StandardCharsets.UTF_8), secretPurpose(provider.id())) : null;
		this.jdbc
			.sql("""
					INSERT INTO identity_providers (id, display_name, issuer, authorization_uri, token_uri, user_info_uri,
					subject_attribute, client_id, client_secret_sealed, token_endpoint_auth_method, scopes,
					link_by_verified_email, create_users,
					default_roles, claim_mappings, trust_upstream_mfa, upstream_logout, enabled)
					VALUES (:id, :displayName, :issuer, :authorizationUri, :tokenUri, :userInfoUri, :subjectAttribute,
					:clientId, :secret, :method, :scopes, :link, :create, :roles, :mappings::jsonb, :trustMfa, :upstreamLogout,
					:enabled)
					ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, issuer = EXCLUDED.issuer,
					authorization_uri = EXCLUDED.authorization_uri, token_uri = EXCLUDED.token_uri,
					user_info_uri = EXCLUDED.user_info_uri, subject_attribute = EXCLUDED.subject_attribute,
					client_id = EXCLUDED.client_id, client_secret_sealed = EXCLUDED.client_secret_sealed,
					token_endpoint_auth_method = EXCLUDED.token_endpoint_auth_method,
					scopes = EXCLUDED.scopes, link_by_verified_email = EXCLUDED.link_by_verified_email,
					create_users = EXCLUDED.create_users, default_roles = EXCLUDED.default_roles,
					claim_mappings = EXCLUDED.claim_mappings, trust_upstream_mfa = EXCLUDED.trust_upstream_mfa,
					upstream_logout = EXCLUDED.upstream_logout,
					enabled = EXCLUDED.enabled, updated_at = now()""")
			.param("id", provider.id())
			.param("displayName", provider.displayName())
			.param("issuer", provider.issuer())
			.param("authorizationUri", provider.authorizationUri())
			.param("tokenUri", provider.tokenUri())
			.param("userInfoUri", provider.userInfoUri())
			.param("subjectAttribute", provider.subjectAttribute())
			.param("clientId", provider.clientId())
			.param("secret", sealedSecret)
			.param("method", provider.tokenEndpointAuthMethod())
			.param("scopes", SqlValues.of(provider.scopes()))
			.param("link", provider.linkByVerifiedEmail())
			.param("create", provider.createUsers())
			.param("roles", SqlValues.of(provider.defaultRoles()))
			.param("mappings", this.json.writeValueAsString(provider.claimMappings()))
			.param("trustMfa", provider.trustUpstreamMfa())
			.param("upstreamLogout", provider.upstreamLogout())
			.param("enabled", provider.enabled())
			.update();
		return existing.isPresent() ? ImportOutcome.UPDATED : ImportOutcome.CREATED;
	}

	/** Whether two settings name people the same way: the same issuer or endpoints. */
	private static boolean sameIdentities(IdentityProvider before, IdentityProvider after) {
		return Objects.equals(before.issuer(), after.issuer())
				&& Objects.equals(before.authorizationUri(), after.authorizationUri())
				&& Objects.equals(before.tokenUri(), after.tokenUri())
				&& Objects.equals(before.userInfoUri(), after.userInfoUri())
				&& Objects.equals(before.subjectAttribute(), after.subjectAttribute());
	}

	private boolean anyoneLinked(String id) {
		return this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM federated_identities WHERE provider_id = ?)")
			.param(id)
			.query(Boolean.class)
			.single();
	}

	/**
	 * Removes a provider and every identity linked through it.
	 * @return whether there was one
	 */
	public boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM identity_providers WHERE id = ?").param(id).update() == 1;
	}

	/**
	 * Why a provider's settings cannot be stored, every problem at once.
	 * @throws InputRejectedException naming each field and rule
	 */
	static void check(IdentityProvider provider) {
		List<InputRejectedException.Problem> problems = new ArrayList<>();
		if (!acceptableId(provider.id())) {
			problems.add(new InputRejectedException.Problem("id", "idp.id.format"));
		}
		// Shown on the login page's button: "Sign in with …".
		if (provider.displayName() == null || provider.displayName().isBlank() || provider.displayName().length() > 100
				|| !PlainText.isPlain(provider.displayName())) {
			problems.add(new InputRejectedException.Problem("display_name", "idp.display-name.format"));
		}
		if (provider.clientId() == null || provider.clientId().isBlank() || provider.clientId().length() > 255) {
			problems.add(new InputRejectedException.Problem("client_id", "idp.client-id.required"));
		}
		String method = provider.tokenEndpointAuthMethod();
		if (method != null && !TOKEN_ENDPOINT_AUTH_METHODS.contains(method)) {
			problems.add(new InputRejectedException.Problem("token_endpoint_auth_method",
					"idp.token-endpoint-auth-method.unsupported"));
		}
		else if (method != null && method.startsWith("client_secret_") && provider.clientSecret() == null) {
			problems.add(new InputRejectedException.Problem("client_secret", "idp.client-secret.required"));
		}
		else if (method != null && !method.startsWith("client_secret_") && provider.clientSecret() != null) {
			problems.add(new InputRejectedException.Problem("client_secret", "idp.client-secret.not-used"));
		}
		if (provider.openIdConnect()) {
			url(provider.issuer(), "issuer", problems);
			if (provider.issuer() != null && (provider.issuer().contains("?") || provider.issuer().contains("#"))) {
				problems.add(new InputRejectedException.Problem("issuer", "idp.url.invalid"));
			}
			if (!provider.scopes().contains("openid")) {
				// OpenID Connect Core §3.1.2.1: no openid scope, no ID token.
				problems.add(new InputRejectedException.Problem("scopes", "idp.scopes.openid"));
			}
			if (provider.authorizationUri() != null || provider.tokenUri() != null || provider.userInfoUri() != null) {
				problems.add(new InputRejectedException.Problem("issuer", "idp.issuer.or-endpoints"));
			}
		}
		else {
			if (provider.authorizationUri() == null || provider.tokenUri() == null || provider.userInfoUri() == null
					|| provider.subjectAttribute() == null) {
				problems.add(new InputRejectedException.Problem("issuer", "idp.endpoints.required"));
			}
			url(provider.authorizationUri(), "authorization_uri", problems);
			url(provider.tokenUri(), "token_uri", problems);
			url(provider.userInfoUri(), "user_info_uri", problems);
			if (provider.subjectAttribute() != null && !UserService.acceptableRole(provider.subjectAttribute())) {
				problems.add(new InputRejectedException.Problem("subject_attribute", "idp.claim-name.format"));
			}
		}
		for (String scope : provider.scopes()) {
			if (!scope.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}")) {
				problems.add(new InputRejectedException.Problem("scopes", "idp.scopes.format"));
			}
		}
		for (String role : provider.defaultRoles()) {
			if (!UserService.acceptableRole(role)) {
				problems.add(new InputRejectedException.Problem("default_roles", "role.format"));
			}
			else if (role.equals(UserService.ADMINISTRATOR_ROLE)) {
				// Every account the provider creates would administer Lanyard: whoever
				// can get an account at the upstream (often anyone) would.
				problems.add(new InputRejectedException.Problem("default_roles", "idp.default-roles.admin"));
			}
		}
		provider.claimMappings().forEach((field, claim) -> {
			if (!mappableField(field) || !UserService.acceptableRole(claim)) {
				problems.add(new InputRejectedException.Problem("claim_mappings", "idp.claim-mappings.format"));
			}
		});
		if (!problems.isEmpty()) {
			throw new InputRejectedException(problems);
		}
	}

	/**
	 * Whether a claim mapping may write this field: {@code roles}, a standard claim, or
	 * an attribute; not {@code sub}, {@code email} (only a verified address is taken, by
	 * its own rule) nor a verification flag, which are Lanyard's own word.
	 */
	static boolean mappableField(String field) {
		return UserService.acceptableRole(field) && !field.endsWith("_verified") && !field.equals("sub")
				&& !field.equals("email");
	}

	/** Whether an id would be taken as a provider's (lower case, digits, dashes). */
	public static boolean acceptableId(String id) {
		return id != null && ID.matcher(id).matches();
	}

	/** Whether a mapped field is one of the standard claims rather than an attribute. */
	static boolean standardClaim(String field) {
		return StandardClaim.named(field) != null;
	}

	private static void url(String value, String field, List<InputRejectedException.Problem> problems) {
		if (value != null) {
			ClientValidator.serverUrlError(value)
				.ifPresent((problem) -> problems.add(new InputRejectedException.Problem(field, "idp.url." + problem)));
		}
	}

	/**
	 * A provider's client secret in clear; none when it cannot be opened (sealed with
	 * another master key, or altered): signing in with that provider then fails at the
	 * provider, while the login page and every other provider keep working.
	 */
	private String opened(String id, byte[] sealed) {
		try {
			return new String(this.masterKey.open(sealed, secretPurpose(id)), StandardCharsets.UTF_8);
		}
		catch (MasterKey.WrongMasterKeyException ex) {
			if (this.reportedUnopenable.add(id + ":" + Arrays.hashCode(sealed))) {
				logger.warn("The client secret of identity provider {} cannot be opened with this master key: "
						+ "give it again in the console, the API or the bootstrap file", id);
			}
			return null;
		}
	}

	private static String secretPurpose(String id) {
		return "identity-provider-secret:" + id;
	}

	private IdentityProvider map(ResultSet rs, int row) throws SQLException {
		String id = rs.getString("id");
		byte[] sealed = rs.getBytes("client_secret_sealed");
		String secret = (sealed != null) ? opened(id, sealed) : null;
		Map<String, String> mappings = this.json.readValue(rs.getString("claim_mappings"), MAPPINGS);
		return new IdentityProvider(id, rs.getString("display_name"), rs.getString("issuer"),
				rs.getString("authorization_uri"), rs.getString("token_uri"), rs.getString("user_info_uri"),
				rs.getString("subject_attribute"), rs.getString("client_id"), secret,
				rs.getString("token_endpoint_auth_method"), SqlValues.toList(rs.getArray("scopes")),
				rs.getBoolean("link_by_verified_email"), rs.getBoolean("create_users"),
				SqlValues.toList(rs.getArray("default_roles")), mappings, rs.getBoolean("trust_upstream_mfa"),
				rs.getBoolean("upstream_logout"), rs.getBoolean("enabled"));
	}

}
