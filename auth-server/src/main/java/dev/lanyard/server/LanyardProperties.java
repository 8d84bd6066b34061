package dev.lanyard.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lanyard's own settings (prefix {@code lanyard}); the README's configuration table lists
 * them with the environment variables that set them. Every default lives here.
 *
 * @param issuer the issuer identifier, an absolute URL without query or fragment (RFC
 * 8414 §2); {@code LANYARD_ISSUER}
 * @param masterKey the secret the key-encryption key is derived from; at least 32
 * characters; {@code LANYARD_MASTER_KEY}; blank in development only
 * @param bootstrap a YAML file of users and clients imported at start-up;
 * {@code LANYARD_BOOTSTRAP}; may be {@code null}
 * @param dataDirectory where the embedded database and a generated development master key
 * live
 * @param tokens token lifetimes
 * @param login hosted login settings
 * @param redis Redis usage settings
 * @param exchange token exchange settings
 * @param admin administration settings
 * @param keys signing key publication settings
 * @param shutdown how a node stops
 * @param metricsToken the bearer token Prometheus scrapes {@code /actuator/prometheus}
 * with ({@code LANYARD_METRICS_TOKEN}, at least 32 characters); unset: metrics are not
 * served
 */
@ConfigurationProperties("lanyard")
public record LanyardProperties(@DefaultValue("http://localhost:9000") URI issuer, String masterKey, Path bootstrap,
		@DefaultValue("./data") Path dataDirectory, @DefaultValue Tokens tokens, @DefaultValue Login login,
		@DefaultValue Redis redis, @DefaultValue Exchange exchange, @DefaultValue Admin admin, @DefaultValue Keys keys,
		@DefaultValue Shutdown shutdown, String metricsToken, @DefaultValue Registration registration) {

	/** The shortest scrape token accepted. */
	public static final int MINIMUM_METRICS_TOKEN_LENGTH = 32;

	/** Never the master key or the scrape token: secrets, whoever logs the settings. */
	@Override
	public String toString() {
		return "LanyardProperties[issuer=" + this.issuer + ", masterKey=" + ((this.masterKey != null) ? "***" : null)
				+ ", bootstrap=" + this.bootstrap + ", dataDirectory=" + this.dataDirectory + ", tokens=" + this.tokens
				+ ", login=" + this.login + ", redis=" + this.redis + ", exchange=" + this.exchange + ", admin="
				+ this.admin + ", keys=" + this.keys + ", shutdown=" + this.shutdown + ", metricsToken="
				+ ((this.metricsToken != null) ? "***" : null) + ", registration=" + this.registration + "]";
	}

	/**
	 * The secrets of the examples published with Lanyard: docker/compose.yaml and
	 * docker/k8s/secrets.example.yaml (master key, metrics token), and the passwords and
	 * client secrets of the bootstrap files and README examples. Public, so they protect
	 * nothing; {@code PublishedExampleSecretsTest} holds this list to those files.
	 */
	public static final Set<String> PUBLISHED_EXAMPLE_SECRETS = Set.of("change-this-master-key-to-a-long-random-secret",
			"change-this-metrics-token-to-a-long-random-secret", "replace-me-with-at-least-32-random-characters",
			"alice-wonderland-2026", "bob-builder-2026", "change-me", "a long passphrase of yours",
			"web-app-secret-at-least-32-characters", "gateway-secret-at-least-32-characters",
			"reporting-job-secret-at-least-32-chars", "bench-user-password-2026",
			"bench-service-secret-at-least-32-characters", "bench-introspector-secret-at-least-32-chars",
			"bench-web-secret-at-least-32-characters-x", "bench-gateway-secret-at-least-32-characters");

	public LanyardProperties {
		if (metricsToken != null && !metricsToken.isEmpty() && metricsToken.length() < MINIMUM_METRICS_TOKEN_LENGTH) {
			throw new IllegalArgumentException("LANYARD_METRICS_TOKEN must be at least " + MINIMUM_METRICS_TOKEN_LENGTH
					+ " characters of a random secret");
		}
		if (issuer.getRawQuery() != null || issuer.getRawFragment() != null || !issuer.isAbsolute()) {
			throw new IllegalArgumentException(
					"LANYARD_ISSUER must be an absolute URL without query or fragment (RFC 8414 §2), got " + issuer);
		}
		// A trial on one machine (compose) may run with the examples; a server others
		// reach may not: anyone could open what the master key seals, or read metrics.
		if (!onThisMachine(issuer)) {
			for (Map.Entry<String, String> secret : Map
				.of("LANYARD_MASTER_KEY", String.valueOf(masterKey), "LANYARD_METRICS_TOKEN",
						String.valueOf(metricsToken))
				.entrySet()) {
				if (PUBLISHED_EXAMPLE_SECRETS.contains(secret.getValue())) {
					throw new IllegalArgumentException(secret.getKey() + " is an example value published with "
							+ "Lanyard, and LANYARD_ISSUER (" + issuer + ") is not on this machine: set a random "
							+ "secret of your own (e.g. openssl rand -base64 48)");
				}
			}
		}
	}

	/**
	 * Whether the issuer names this machine (a trial), not a server others reach: only
	 * then may the published example secrets be used.
	 */
	public boolean issuerOnThisMachine() {
		return onThisMachine(this.issuer);
	}

	private static boolean onThisMachine(URI issuer) {
		String host = (issuer.getHost() != null) ? issuer.getHost().toLowerCase(java.util.Locale.ROOT) : "";
		return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
	}

	/** The issuer as the exact string published in discovery and put in {@code iss}. */
	public String issuerString() {
		String value = this.issuer.toString();
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

	/** Whether the public URL is served over TLS, which decides the cookie flags. */
	public boolean secureTransport() {
		return "https".equalsIgnoreCase(this.issuer.getScheme());
	}

	/**
	 * Default token lifetimes for clients that do not set their own.
	 *
	 * @param accessToken opaque access token lifetime
	 * @param refreshTokenIdle a refresh token expires when unused this long (it rotates
	 * on every use)
	 * @param refreshTokenMax no refresh token outlives its grant by more than this
	 * @param authorizationCode authorization code lifetime
	 * @param idToken ID token lifetime
	 * @param idTokenUserClaims whether ID tokens carry the user claims the scopes release
	 * (as {@code /userinfo} does), or only {@code sub}
	 */
	public record Tokens(@DefaultValue("15m") Duration accessToken, @DefaultValue("8h") Duration refreshTokenIdle,
			@DefaultValue("30d") Duration refreshTokenMax, @DefaultValue("2m") Duration authorizationCode,
			@DefaultValue("15m") Duration idToken, @DefaultValue("true") boolean idTokenUserClaims) {
	}

	/**
	 * Hosted login settings.
	 *
	 * @param maxAttemptsPerAccount password checks allowed per account and window
	 * @param maxAttemptsPerAddress password checks allowed per client address and window
	 * @param throttleWindow the throttling window
	 * @param sessionTimeout idle timeout of a login session
	 * @param sessionMaxLifetime how long a login session lasts after its sign-in however
	 * busy (then the person signs in again)
	 * @param mfaRequiredRoles roles whose holders must sign in with a second factor where
	 * the role counts: {@code admin} for the console (set it empty to allow a password
	 * alone)
	 * @param maxDeviceRequestsPerClient device authorization requests one client may make
	 * at one node in a window (anyone who knows a public client's id can make them)
	 */
	public record Login(@DefaultValue("10") int maxAttemptsPerAccount, @DefaultValue("100") int maxAttemptsPerAddress,
			@DefaultValue("15m") Duration throttleWindow, @DefaultValue("30m") Duration sessionTimeout,
			@DefaultValue("12h") Duration sessionMaxLifetime, @DefaultValue("admin") List<String> mfaRequiredRoles,
			@DefaultValue("1000") int maxDeviceRequestsPerClient) {

		public Login {
			if (maxDeviceRequestsPerClient < 1) {
				throw new IllegalArgumentException("lanyard.login.max-device-requests-per-client must be at least 1");
			}
			if (sessionMaxLifetime.isNegative() || sessionMaxLifetime.isZero()) {
				throw new IllegalArgumentException("lanyard.login.session-max-lifetime must be positive");
			}
			mfaRequiredRoles = mfaRequiredRoles.stream().filter((role) -> !role.isBlank()).map(String::strip).toList();
		}

	}

	/**
	 * Token exchange (RFC 8693) settings.
	 *
	 * @param tokenLifetime the longest an internal JWT lives; never past its subject
	 * token
	 * @param attributes user attributes copied into internal JWTs as claims
	 */
	public record Exchange(@DefaultValue("5m") Duration tokenLifetime,
			@DefaultValue("tenant") List<String> attributes) {

		public Exchange {
			if (tokenLifetime.compareTo(Duration.ofMinutes(5)) > 0 || tokenLifetime.isNegative()
					|| tokenLifetime.isZero()) {
				throw new IllegalArgumentException("lanyard.exchange.token-lifetime must be positive and at most 5m");
			}
			attributes = List.copyOf(attributes);
			for (String attribute : attributes) {
				if (CLAIMS_SET_BY_LANYARD.contains(attribute)) {
					// A user attribute must never stand in for who, for whom or bound to
					// which key.
					throw new IllegalArgumentException("lanyard.exchange.attributes cannot name the claim '" + attribute
							+ "', which Lanyard sets itself");
				}
			}
		}

		/**
		 * The claims of an internal JWT that come from Lanyard, never from attributes.
		 */
		private static final List<String> CLAIMS_SET_BY_LANYARD = List.of("iss", "sub", "aud", "iat", "nbf", "exp",
				"jti", "client_id", "scope", "preferred_username", "roles", "act", "sid", "auth_time", "amr", "acr",
				"cnf", "idp");

	}

	/**
	 * How signing keys are published before they sign.
	 *
	 * @param jwksMaxAge how long verifiers may cache the JWKS
	 * ({@code Cache-Control: max-age}); jwt-client-lib caches it at most five minutes
	 * @param publicationPeriod how long a key is published before it may sign: longer
	 * than {@code jwksMaxAge}, so every verifier's cached JWKS lists a key before the
	 * first token signed with it arrives. The default leaves a minute beyond the max-age:
	 * a node cut off from PostgreSQL serves the keys it read for up to 30 s more (a
	 * verifier may cache that JWKS, without a key made meanwhile, for the whole max-age),
	 * and nodes' clocks differ a little
	 */
	public record Keys(@DefaultValue("5m") Duration jwksMaxAge, @DefaultValue("360s") Duration publicationPeriod) {

		public Keys {
			if (jwksMaxAge.isNegative() || publicationPeriod.compareTo(jwksMaxAge) <= 0) {
				throw new IllegalArgumentException(
						"lanyard.keys.publication-period must be longer than lanyard.keys.jwks-max-age");
			}
		}

	}

	/**
	 * How a node stops.
	 *
	 * @param drain how long it keeps serving, reported not ready, after being told to
	 * stop (SIGTERM), so balancers take it out first
	 */
	public record Shutdown(@DefaultValue("10s") Duration drain) {
	}

	/**
	 * Dynamic client registration (RFC 7591).
	 *
	 * @param scopes the scopes a dynamically registered client may ask to be registered
	 * for ({@code LANYARD_REGISTRATION_SCOPES}); by default OpenID Connect's own, so that
	 * a client that registered itself gets no scope a resource server grants rights for
	 */
	public record Registration(@DefaultValue( {
			"openid", "profile", "email", "address", "phone" }) List<String> scopes){

		/**
		 * Never the admin scope: anyone holding an initial access token could register a
		 * client that reaches the whole admin API with its own token.
		 */
		public Registration {
			if (scopes.contains(dev.lanyard.admin.AdminIdentity.ADMIN_SCOPE)) {
				throw new IllegalArgumentException(
						"lanyard.registration.scopes must not name the " + dev.lanyard.admin.AdminIdentity.ADMIN_SCOPE
								+ " scope: a dynamically registered client would reach the admin API");
			}
		}
	}

	/**
	 * Administration settings.
	 *
	 * @param reauthenticationMaxAge how recently an admin API caller must have proven
	 * their credential (signed in, or obtained the client token) for a security-relevant
	 * change
	 * @param auditRetention how long audit events are kept; {@code null} (the default):
	 * for ever. At least a day
	 */
	public record Admin(@DefaultValue("5m") Duration reauthenticationMaxAge, Duration auditRetention) {

		public Admin {
			if (auditRetention != null && auditRetention.compareTo(Duration.ofDays(1)) < 0) {
				throw new IllegalArgumentException(
						"lanyard.admin.audit-retention must be at least a day (leave it unset to keep every event)");
			}
		}

	}

	/**
	 * Redis usage.
	 *
	 * @param keyPrefix prefix of every key Lanyard writes, so that several deployments
	 * can share one Redis
	 * @param tokenCacheTtl how long an access-token lookup stays cached at most
	 * @param required whether a node without Redis configured stops at start (several
	 * nodes: their in-process stand-ins would split sessions, throttling and replay
	 * memories; read by {@code RedisMode})
	 */
	public record Redis(@DefaultValue("lanyard:") String keyPrefix, @DefaultValue("60s") Duration tokenCacheTtl,
			@DefaultValue("false") boolean required) {
	}

}
