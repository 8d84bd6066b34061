package dev.lanyard.server.bootstrap;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.secondfactor.TotpAuthenticators;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.lanyard.server.user.StandardClaim;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import org.springframework.boot.convert.DurationStyle;

/**
 * The bootstrap file ({@code LANYARD_BOOTSTRAP}): users, clients and upstream identity
 * providers to import at start-up. Reading it checks its shape and reports the first
 * problem with the file, line and field; unknown keys are errors, so a typo cannot
 * silently drop a setting.
 *
 * @param users the users, in file order
 * @param clients the clients, in file order
 * @param identityProviders the upstream identity providers, in file order
 */
public record BootstrapFile(List<User> users, List<Client> clients, List<IdentityProvider> identityProviders) {

	private static final Set<String> USER_KEYS = userKeys();

	/** OpenID Connect Core §5.1.1: the parts of the address, nested under it. */
	private static final Set<String> ADDRESS_KEYS = Arrays.stream(StandardClaim.values())
		.filter(StandardClaim::addressPart)
		.map(StandardClaim::bootstrapKey)
		.collect(Collectors.toUnmodifiableSet());

	private static final Set<String> CLIENT_KEYS = Set.of("client-id", "client-name", "logo-uri", "client-secret",
			"redirect-uris", "post-logout-redirect-uris", "grant-types", "scopes", "require-consent", "require-pkce",
			"exchange-audiences", "introspection-allowed", "access-token-ttl", "refresh-token-idle",
			"refresh-token-max", "enabled", "token-endpoint-auth-method", "jwks", "jwks-uri",
			"require-pushed-authorization-requests", "dpop-bound-access-tokens", "require-mfa",
			"backchannel-logout-uri", "backchannel-logout-session-required");

	private static final Set<String> IDENTITY_PROVIDER_KEYS = Set.of("id", "display-name", "issuer",
			"authorization-uri", "token-uri", "user-info-uri", "subject-attribute", "client-id", "client-secret",
			"token-endpoint-auth-method", "scopes", "link-by-verified-email", "create-users", "default-roles",
			"upstream-logout", "claim-mappings", "trust-upstream-mfa", "enabled");

	/** The authentication methods that need a secret. */
	private static final Set<String> SECRET_METHODS = Set.of("client_secret_basic", "client_secret_post");

	/**
	 * A user entry.
	 *
	 * @param location where it stands, e.g. {@code users[0]}
	 * @param lines the line of each key
	 * @param mfaRequired whether every sign-in of the user must have two factors
	 * ({@code mfa-required}), or {@code null} to leave it as it is
	 * @param totpSecret the shared secret of an authenticator app the user already has (a
	 * migration from another provider: {@code totp-secret}, base32), or {@code null}
	 * @param content the entry as written, as JSON with sorted keys (tells a changed
	 * entry)
	 */
	public record User(String location, Map<String, Integer> lines, String username, String password, String email,
			List<String> roles, Map<String, String> attributes, Map<String, String> claims, boolean enabled,
			Boolean mfaRequired, byte[] totpSecret, String content) {

		@Override
		public String toString() {
			return "User[" + this.username + "]";
		}

	}

	/**
	 * A client entry; without {@code token-endpoint-auth-method}, {@code clientSecret}
	 * absent means a public client. {@code jwks} is the JWK Set as JSON text.
	 *
	 * @param location where it stands, e.g. {@code clients[1]}
	 * @param lines the line of each key
	 * @param content the entry as written, as JSON with sorted keys (tells a changed
	 * entry)
	 */
	public record Client(String location, Map<String, Integer> lines, String clientId, String clientName,
			String logoUri, String clientSecret, String tokenEndpointAuthMethod, String jwks, String jwksUri,
			List<String> redirectUris, List<String> postLogoutRedirectUris, List<String> grantTypes,
			List<String> scopes, Boolean requireConsent, Boolean requirePkce, List<String> exchangeAudiences,
			Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests, Boolean dpopBoundAccessTokens,
			Boolean requireMfa, String backchannelLogoutUri, Boolean backchannelLogoutSessionRequired,
			Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax, Boolean enabled,
			String content) {

		@Override
		public String toString() {
			return "Client[" + this.clientId + "]";
		}

	}

	/**
	 * An upstream identity provider entry.
	 *
	 * @param location where it stands, e.g. {@code identity-providers[0]}
	 * @param lines the line of each key
	 * @param provider the provider as the file gives it
	 * @param content the entry as written, as JSON with sorted keys (tells a changed
	 * entry)
	 */
	public record IdentityProvider(String location, Map<String, Integer> lines,
			dev.lanyard.server.federation.IdentityProvider provider, String content) {

		@Override
		public String toString() {
			return "IdentityProvider[" + this.provider.id() + "]";
		}

	}

	/** Reads and checks a bootstrap file. */
	public static BootstrapFile read(Path file) {
		Node root;
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
		}
		catch (MarkedYAMLException ex) {
			throw new BootstrapFileException(
					file + " line " + (ex.getProblemMark().getLine() + 1) + ": not valid YAML: " + ex.getProblem());
		}
		catch (IOException ex) {
			throw new BootstrapFileException("Cannot read " + file + ": " + ex.getMessage());
		}
		return new Parser(file).parse(root);
	}

	private static Set<String> userKeys() {
		Set<String> keys = new HashSet<>(Set.of("username", "password", "email", "roles", "attributes", "enabled",
				"totp-secret", "mfa-required", StandardClaim.ADDRESS));
		for (StandardClaim claim : StandardClaim.values()) {
			if (!claim.addressPart()) {
				keys.add(claim.bootstrapKey());
			}
		}
		return Set.copyOf(keys);
	}

	private static final class Parser {

		private final Path file;

		Parser(Path file) {
			this.file = file;
		}

		BootstrapFile parse(Node root) {
			if (root == null) {
				return new BootstrapFile(List.of(), List.of(), List.of());
			}
			Map<String, NodeTuple> top = mapping(root, "the document",
					Set.of("users", "clients", "identity-providers"));
			List<User> users = new ArrayList<>();
			List<Client> clients = new ArrayList<>();
			if (top.containsKey("users")) {
				List<Node> entries = sequence(top.get("users").getValueNode(), "users");
				for (int i = 0; i < entries.size(); i++) {
					users.add(user(entries.get(i), "users[" + i + "]"));
				}
			}
			if (top.containsKey("clients")) {
				List<Node> entries = sequence(top.get("clients").getValueNode(), "clients");
				for (int i = 0; i < entries.size(); i++) {
					clients.add(client(entries.get(i), "clients[" + i + "]"));
				}
			}
			List<IdentityProvider> identityProviders = new ArrayList<>();
			if (top.containsKey("identity-providers")) {
				List<Node> entries = sequence(top.get("identity-providers").getValueNode(), "identity-providers");
				for (int i = 0; i < entries.size(); i++) {
					identityProviders.add(identityProvider(entries.get(i), "identity-providers[" + i + "]"));
				}
			}
			return new BootstrapFile(users, clients, identityProviders);
		}

		private IdentityProvider identityProvider(Node node, String where) {
			Map<String, NodeTuple> fields = mapping(node, where, IDENTITY_PROVIDER_KEYS);
			return new IdentityProvider(where, lines(fields),
					new dev.lanyard.server.federation.IdentityProvider(requiredString(fields, node, where, "id"),
							requiredString(fields, node, where, "display-name"), string(fields, where, "issuer"),
							string(fields, where, "authorization-uri"), string(fields, where, "token-uri"),
							string(fields, where, "user-info-uri"), string(fields, where, "subject-attribute"),
							requiredString(fields, node, where, "client-id"), string(fields, where, "client-secret"),
							string(fields, where, "token-endpoint-auth-method"), strings(fields, where, "scopes"),
							Boolean.TRUE.equals(bool(fields, where, "link-by-verified-email")),
							Boolean.TRUE.equals(bool(fields, where, "create-users")),
							strings(fields, where, "default-roles"), stringMap(fields, where, "claim-mappings"),
							Boolean.TRUE.equals(bool(fields, where, "trust-upstream-mfa")),
							Boolean.TRUE.equals(bool(fields, where, "upstream-logout")),
							!Boolean.FALSE.equals(bool(fields, where, "enabled"))),
					canonical(node, where));
		}

		private User user(Node node, String where) {
			Map<String, NodeTuple> fields = mapping(node, where, USER_KEYS);
			return new User(where, lines(fields), requiredString(fields, node, where, "username"),
					requiredString(fields, node, where, "password"), string(fields, where, "email"),
					strings(fields, where, "roles"), stringMap(fields, where, "attributes"),
					standardClaims(fields, where), !Boolean.FALSE.equals(bool(fields, where, "enabled")),
					bool(fields, where, "mfa-required"), totpSecret(fields, where), canonical(node, where));
		}

		/**
		 * RFC 6238 / RFC 4226 §4 R6: a shared secret of 128 bits at least, in base32 (RFC
		 * 4648 §6) as authenticator apps show it; spaces and padding do not matter.
		 */
		private byte[] totpSecret(Map<String, NodeTuple> fields, String where) {
			String text = string(fields, where, "totp-secret");
			if (text == null) {
				return null;
			}
			return TotpAuthenticators.importable(text)
				.orElseThrow(() -> error(fields.get("totp-secret").getValueNode(), where + ".totp-secret",
						"must be a base32 secret of 128 bits or more (26 characters or more)"));
		}

		/** The standard claims, by claim name (their rules are the user service's). */
		private Map<String, String> standardClaims(Map<String, NodeTuple> fields, String where) {
			Map<String, String> claims = new LinkedHashMap<>();
			Map<String, String> address = stringMap(fields, where, StandardClaim.ADDRESS);
			for (StandardClaim claim : StandardClaim.values()) {
				String value = claim.addressPart() ? address.get(claim.bootstrapKey())
						: string(fields, where, claim.bootstrapKey());
				if (value != null) {
					claims.put(claim.claimName(), value);
				}
			}
			for (String key : address.keySet()) {
				if (!ADDRESS_KEYS.contains(key)) {
					throw error(fields.get(StandardClaim.ADDRESS).getValueNode(), where + ".address." + key,
							"unknown key; expected one of " + new TreeSet<>(ADDRESS_KEYS));
				}
			}
			return claims;
		}

		private Client client(Node node, String where) {
			Map<String, NodeTuple> fields = mapping(node, where, CLIENT_KEYS);
			List<String> grantTypes = strings(fields, where, "grant-types");
			if (grantTypes.isEmpty()) {
				throw error(fields.containsKey("grant-types") ? fields.get("grant-types").getKeyNode() : node,
						where + ".grant-types", "at least one grant type is required");
			}
			String method = string(fields, where, "token-endpoint-auth-method");
			String secret = string(fields, where, "client-secret");
			if (method != null && SECRET_METHODS.contains(method) && secret == null) {
				throw error(fields.get("token-endpoint-auth-method").getValueNode(), where + ".client-secret",
						"is required for " + method);
			}
			return new Client(where, lines(fields), requiredString(fields, node, where, "client-id"),
					string(fields, where, "client-name"), string(fields, where, "logo-uri"), secret, method,
					jwks(fields, where), string(fields, where, "jwks-uri"), strings(fields, where, "redirect-uris"),
					strings(fields, where, "post-logout-redirect-uris"), grantTypes, strings(fields, where, "scopes"),
					bool(fields, where, "require-consent"), bool(fields, where, "require-pkce"),
					strings(fields, where, "exchange-audiences"), bool(fields, where, "introspection-allowed"),
					bool(fields, where, "require-pushed-authorization-requests"),
					bool(fields, where, "dpop-bound-access-tokens"), bool(fields, where, "require-mfa"),
					string(fields, where, "backchannel-logout-uri"),
					bool(fields, where, "backchannel-logout-session-required"),
					duration(fields, where, "access-token-ttl"), duration(fields, where, "refresh-token-idle"),
					duration(fields, where, "refresh-token-max"), bool(fields, where, "enabled"),
					canonical(node, where));
		}

		/**
		 * An entry as JSON with its keys sorted at every level and its place in the file
		 * left out: two writings of one entry (keys moved, comments, quoting, flow or
		 * block style) give the same text, and any change of a value gives another.
		 */
		private String canonical(Node entry, String where) {
			return JSONObjectUtils.toJSONString(sorted(plain((MappingNode) entry, where)));
		}

		@SuppressWarnings("unchecked")
		private static Map<String, Object> sorted(Map<String, Object> mapping) {
			Map<String, Object> sorted = new TreeMap<>();
			mapping.forEach((key, value) -> sorted.put(key, sortedValue(value)));
			return sorted;
		}

		@SuppressWarnings("unchecked")
		private static Object sortedValue(Object value) {
			if (value instanceof Map<?, ?> mapping) {
				return sorted((Map<String, Object>) mapping);
			}
			if (value instanceof List<?> list) {
				return list.stream().map(Parser::sortedValue).toList();
			}
			return value;
		}

		/**
		 * A JWK Set written as YAML (a mapping with a {@code keys} list) or as JSON text,
		 * as JSON text.
		 */
		private String jwks(Map<String, NodeTuple> fields, String where) {
			NodeTuple tuple = fields.get("jwks");
			if (tuple == null) {
				return null;
			}
			if (tuple.getValueNode() instanceof ScalarNode scalar) {
				return scalar.getValue();
			}
			if (!(tuple.getValueNode() instanceof MappingNode)) {
				throw error(tuple.getValueNode(), where + ".jwks", "expected a JWK Set (a mapping with a keys list)");
			}
			return JSONObjectUtils.toJSONString(plain((MappingNode) tuple.getValueNode(), where + ".jwks"));
		}

		/** A YAML mapping as maps, lists and strings (what a JWK Set is made of). */
		private Map<String, Object> plain(MappingNode mapping, String where) {
			Map<String, Object> values = new LinkedHashMap<>();
			for (NodeTuple entry : mapping.getValue()) {
				if (!(entry.getKeyNode() instanceof ScalarNode name)) {
					throw error(entry.getKeyNode(), where, "expected plain names");
				}
				values.put(name.getValue(), plain(entry.getValueNode(), where + "." + name.getValue()));
			}
			return values;
		}

		private Object plain(Node node, String where) {
			if (node instanceof ScalarNode scalar) {
				return scalar.getValue();
			}
			if (node instanceof MappingNode mapping) {
				return plain(mapping, where);
			}
			List<Object> values = new ArrayList<>();
			for (Node element : sequence(node, where)) {
				values.add(plain(element, where));
			}
			return values;
		}

		private Map<String, NodeTuple> mapping(Node node, String where, Set<String> allowed) {
			if (!(node instanceof MappingNode mapping)) {
				throw error(node, where, "expected a mapping of keys to values");
			}
			Map<String, NodeTuple> fields = new LinkedHashMap<>();
			for (NodeTuple tuple : mapping.getValue()) {
				String key = (tuple.getKeyNode() instanceof ScalarNode scalar) ? scalar.getValue() : null;
				String field = where.equals("the document") ? key : where + "." + key;
				if (key == null || !allowed.contains(key)) {
					throw error(tuple.getKeyNode(), field, "unknown key; expected one of " + new TreeSet<>(allowed));
				}
				if (fields.put(key, tuple) != null) {
					throw error(tuple.getKeyNode(), field, "given twice");
				}
			}
			return fields;
		}

		private List<Node> sequence(Node node, String where) {
			if (!(node instanceof SequenceNode sequence)) {
				throw error(node, where, "expected a list");
			}
			return sequence.getValue();
		}

		private String requiredString(Map<String, NodeTuple> fields, Node owner, String where, String key) {
			String value = string(fields, where, key);
			if (value == null || value.isEmpty()) {
				throw error(fields.containsKey(key) ? fields.get(key).getValueNode() : owner, where + "." + key,
						"is required");
			}
			return value;
		}

		private String string(Map<String, NodeTuple> fields, String where, String key) {
			NodeTuple tuple = fields.get(key);
			if (tuple == null) {
				return null;
			}
			if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
				throw error(tuple.getValueNode(), where + "." + key, "expected a single value");
			}
			return scalar.getValue();
		}

		private List<String> strings(Map<String, NodeTuple> fields, String where, String key) {
			NodeTuple tuple = fields.get(key);
			if (tuple == null) {
				return List.of();
			}
			List<String> values = new ArrayList<>();
			for (Node element : sequence(tuple.getValueNode(), where + "." + key)) {
				if (!(element instanceof ScalarNode scalar) || scalar.getValue().isEmpty()) {
					throw error(element, where + "." + key, "expected a list of plain values");
				}
				values.add(scalar.getValue());
			}
			return values;
		}

		private Map<String, String> stringMap(Map<String, NodeTuple> fields, String where, String key) {
			NodeTuple tuple = fields.get(key);
			if (tuple == null) {
				return Map.of();
			}
			if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
				throw error(tuple.getValueNode(), where + "." + key, "expected a mapping of names to values");
			}
			Map<String, String> values = new LinkedHashMap<>();
			for (NodeTuple entry : mapping.getValue()) {
				if (!(entry.getKeyNode() instanceof ScalarNode name)
						|| !(entry.getValueNode() instanceof ScalarNode value)) {
					throw error(entry.getKeyNode(), where + "." + key, "expected plain names and values");
				}
				values.put(name.getValue(), value.getValue());
			}
			return values;
		}

		private Boolean bool(Map<String, NodeTuple> fields, String where, String key) {
			String value = string(fields, where, key);
			if (value == null) {
				return null;
			}
			if (!value.equals("true") && !value.equals("false")) {
				throw error(fields.get(key).getValueNode(), where + "." + key, "expected true or false");
			}
			return Boolean.valueOf(value);
		}

		private Duration duration(Map<String, NodeTuple> fields, String where, String key) {
			String value = string(fields, where, key);
			if (value == null) {
				return null;
			}
			try {
				return DurationStyle.detectAndParse(value);
			}
			catch (IllegalArgumentException | DateTimeParseException ex) {
				throw error(fields.get(key).getValueNode(), where + "." + key, "expected a duration such as 15m or 8h");
			}
		}

		private static Map<String, Integer> lines(Map<String, NodeTuple> fields) {
			Map<String, Integer> lines = new LinkedHashMap<>();
			fields.forEach((key, tuple) -> lines.put(key, tuple.getKeyNode().getStartMark().getLine() + 1));
			return lines;
		}

		private BootstrapFileException error(Node node, String field, String problem) {
			return new BootstrapFileException(
					this.file + " line " + (node.getStartMark().getLine() + 1) + ", " + field + ": " + problem);
		}

	}

}
