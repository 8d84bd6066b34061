package dev.lanyard.exchange.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the token exchange service (prefix {@code lanyard.exchange}); the README
 * lists the environment variables that set them.
 *
 * @param issuer the authorization server ({@code LANYARD_ISSUER})
 * @param clientId the gateway's client id ({@code EXCHANGE_CLIENT_ID})
 * @param clientSecret the gateway's client secret ({@code EXCHANGE_CLIENT_SECRET})
 * @param audience the audience to request; blank for the client's default
 * ({@code EXCHANGE_AUDIENCE})
 * @param connectTimeout connect timeout towards the authorization server
 * @param requestTimeout answer timeout of the authorization server
 * @param expiryMargin a cached JWT is served until this long before its expiry
 * @param rejectionTtl how long a rejected token is answered from memory
 * @param revocationChannel the Redis channel the authorization server publishes
 * revocations on
 * @param metricsToken the bearer token Prometheus scrapes {@code /actuator/prometheus}
 * with ({@code EXCHANGE_METRICS_TOKEN}); unset: metrics are not served
 * @param publicOrigins the origins clients reach the gateway at, such as
 * {@code https://api.example.com} ({@code EXCHANGE_PUBLIC_ORIGINS}, comma-separated): a
 * DPoP proof must name one of them; unset: DPoP-bound tokens are refused
 */
@ConfigurationProperties("lanyard.exchange")
public record ExchangeServiceProperties(@DefaultValue("http://localhost:9000") URI issuer, String clientId,
		String clientSecret, String audience, @DefaultValue("1s") Duration connectTimeout,
		@DefaultValue("3s") Duration requestTimeout, @DefaultValue("30s") Duration expiryMargin,
		@DefaultValue("10s") Duration rejectionTtl, @DefaultValue("lanyard:revocations") String revocationChannel,
		String metricsToken, List<URI> publicOrigins) {

	/** The shortest scrape token accepted. */
	public static final int MINIMUM_METRICS_TOKEN_LENGTH = 32;

	/**
	 * The gateway's secrets in the examples published with Lanyard (docker/compose.yaml,
	 * docker/k8s/secrets.example.yaml, the README's recipe, bench/): public, so they
	 * protect nothing. {@code ExchangeServicePropertiesTest} holds this list to those
	 * files.
	 */
	public static final Set<String> PUBLISHED_EXAMPLE_SECRETS = Set.of(
			"change-this-exchange-metrics-token-to-a-random-secret", "replace-me-with-at-least-32-random-characters",
			"gateway-secret-at-least-32-characters", "bench-gateway-secret-at-least-32-characters");

	public ExchangeServiceProperties {
		if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
			throw new IllegalArgumentException(
					"Set EXCHANGE_CLIENT_ID and EXCHANGE_CLIENT_SECRET to the gateway's client registered at Lanyard");
		}
		if (metricsToken != null && !metricsToken.isEmpty() && metricsToken.length() < MINIMUM_METRICS_TOKEN_LENGTH) {
			throw new IllegalArgumentException("EXCHANGE_METRICS_TOKEN must be at least " + MINIMUM_METRICS_TOKEN_LENGTH
					+ " characters of a random secret");
		}
		// A trial on one machine (compose, the README's recipe) may run with the
		// examples; a gateway others reach may not: anyone could exchange tokens as it,
		// or read its metrics. Where clients reach the gateway tells, when it is set
		// (Lanyard on localhost beside a public gateway is no trial); else Lanyard's
		// address.
		boolean trial = (publicOrigins == null || publicOrigins.isEmpty()) ? onThisMachine(issuer)
				: publicOrigins.stream().allMatch(ExchangeServiceProperties::onThisMachine);
		if (!trial) {
			for (Map.Entry<String, String> secret : Map
				.of("EXCHANGE_CLIENT_SECRET", clientSecret, "EXCHANGE_METRICS_TOKEN", String.valueOf(metricsToken))
				.entrySet()) {
				if (PUBLISHED_EXAMPLE_SECRETS.contains(secret.getValue())) {
					throw new IllegalArgumentException(secret.getKey() + " is an example value published with "
							+ "Lanyard, and the gateway is not on this machine (EXCHANGE_PUBLIC_ORIGINS, or without "
							+ "them LANYARD_ISSUER): "
							+ "set a random secret of your own (e.g. openssl rand -base64 48)");
				}
			}
		}
		if (audience != null && audience.isBlank()) {
			audience = null;
		}
		publicOrigins = (publicOrigins == null) ? List.of() : List.copyOf(publicOrigins);
	}

	/** Whether a URL names this machine (a trial), not a host others reach. */
	private static boolean onThisMachine(URI url) {
		String host = (url.getHost() != null) ? url.getHost().toLowerCase(Locale.ROOT) : "";
		return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
	}

	@Override
	public String toString() {
		return "ExchangeServiceProperties[issuer=" + this.issuer + ", clientId=" + this.clientId + "]";
	}

}
