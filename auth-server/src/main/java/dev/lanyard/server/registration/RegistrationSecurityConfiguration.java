package dev.lanyard.server.registration;

import dev.lanyard.server.web.SecurityHeadersPolicy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * The dynamic client registration endpoint's chain: no session, no CSRF (a bearer token
 * in a header, never a cookie, authorizes each request), and the token checked by
 * {@link DynamicRegistrationController} itself, which answers RFC 6750 errors.
 */
@Configuration(proxyBeanMethods = false)
class RegistrationSecurityConfiguration {

	@Bean
	@Order(6)
	SecurityFilterChain registrationSecurityFilterChain(HttpSecurity http, SecurityHeadersPolicy headers)
			throws Exception {
		http.securityMatcher(DynamicRegistrationController.PATH, DynamicRegistrationController.PATH + "/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().permitAll())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.addFilterBefore(new RegistrationRequestLimits(), SecurityContextHolderFilter.class);
		headers.applyTo(http);
		return http.build();
	}

}
