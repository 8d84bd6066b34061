package dev.lanyard.exchange.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;

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

	public ExchangeServiceProperties {
		if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
			throw new IllegalArgumentException(
					"Set EXCHANGE_CLIENT_ID and EXCHANGE_CLIENT_SECRET to the gateway's client registered at Lanyard");
		}
		if (audience != null && audience.isBlank()) {
			audience = null;
		}
		publicOrigins = (publicOrigins == null) ? List.of() : List.copyOf(publicOrigins);
	}

	@Override
	public String toString() {
		return "ExchangeServiceProperties[issuer=" + this.issuer + ", clientId=" + this.clientId + "]";
	}

}
