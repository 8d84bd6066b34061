package dev.lanyard.server.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;

import dev.lanyard.server.LanyardProperties;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The operations endpoints' filter chain: health probes are open to the network the
 * server runs in (they carry no secrets: health shows no details); Prometheus metrics
 * need the scrape token ({@code LANYARD_METRICS_TOKEN}, as {@code Authorization: Bearer})
 * and are not served without one configured (HD-11: what clients, grants and throttles do
 * is no one else's business); every other actuator endpoint is closed.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurityConfiguration {

	@Bean
	@Order(5)
	SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http, SecurityHeadersPolicy headers,
			LanyardProperties properties) throws Exception {
		http.securityMatcher("/actuator/**")
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.requestMatchers("/actuator/prometheus")
				.access(scrapeToken(properties.metricsToken()))
				.anyRequest()
				.denyAll())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint((request, response, ex) -> {
				response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lanyard-metrics\"");
				response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
			}))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		headers.applyTo(http);
		return http.build();
	}

	/**
	 * Grants the request that presents the configured scrape token; none configured,
	 * nobody.
	 */
	private static AuthorizationManager<RequestAuthorizationContext> scrapeToken(String configured) {
		byte[] expected = (configured == null || configured.isEmpty()) ? null : sha256(configured);
		return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) -> {
			String header = context.getRequest().getHeader(HttpHeaders.AUTHORIZATION);
			boolean granted = expected != null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
					&& MessageDigest.isEqual(expected, sha256(header.substring(7).strip()));
			return new AuthorizationDecision(granted);
		};
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java runtime", ex);
		}
	}

}
