package dev.lanyard.server.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The operations endpoints' filter chain: health probes and Prometheus metrics are open to
 * the network the server runs in (they carry no secrets: health shows no details); every
 * other actuator endpoint is closed.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurityConfiguration {

	@Bean
	@Order(5)
	SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http, SecurityHeadersPolicy headers) throws Exception {
		http.securityMatcher("/actuator/**")
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers("/actuator/health", "/actuator/health/**",
					"/actuator/prometheus")
				.permitAll()
				.anyRequest()
				.denyAll())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		headers.applyTo(http);
		return http.build();
	}

}
