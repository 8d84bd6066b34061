package dev.lanyard.jwt.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;

import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.spring.LanyardJwtAutoConfiguration;
import dev.lanyard.jwt.spring.LanyardJwtProperties;

/**
 * With Spring Security in the service, the verified session becomes Spring Security's
 * {@code Authentication} ({@link LanyardAuthentication}: roles as {@code ROLE_}, scopes
 * as {@code SCOPE_} authorities), so {@code authorizeHttpRequests} rules and
 * {@code @PreAuthorize} (with {@code @EnableMethodSecurity}) work on it, while the
 * library's own checks stay the ones applied.
 *
 * <ul>
 * <li>a {@code Customizer<HttpSecurity>} that applies {@link LanyardJwtConfigurer} to
 * every security filter chain, the service's own ones included; its
 * {@link LanyardJwtAuthenticationProvider} verifies with the {@link JwtVerifier}
 * bean;</li>
 * <li>without a chain of the service's own, a stateless one that needs a session
 * everywhere but on {@code lanyard.jwt.public-paths} (instead of Boot's form and basic
 * login).</li>
 * </ul>
 * The plain servlet filter of {@link LanyardJwtAutoConfiguration} is then not registered:
 * Spring Security's chain does its work.
 */
@AutoConfiguration(after = LanyardJwtAutoConfiguration.class,
		beforeName = {
				"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "lanyard.jwt.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ HttpSecurity.class, SecurityFilterChain.class })
public class LanyardJwtSecurityAutoConfiguration {

	/**
	 * Not an {@code AuthenticationProvider} bean: Spring Security would make a lone one
	 * the global {@code AuthenticationManager}'s and ignore the service's own user store.
	 * @param verifier the library's verifier
	 * @return applies Lanyard bearer authentication to every security filter chain
	 */
	@Bean
	public Customizer<HttpSecurity> lanyardJwtHttpSecurityCustomizer(JwtVerifier verifier) {
		LanyardJwtAuthenticationProvider provider = new LanyardJwtAuthenticationProvider(verifier);
		return (http) -> http.with(new LanyardJwtConfigurer(provider));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ConditionalOnDefaultWebSecurity.class)
	static class DefaultChainConfiguration {

		/**
		 * @return the chain; none when web security is switched off (Boot's servlet web
		 * security excluded): then there is no filter chain proxy to run it, and the
		 * library's servlet filter guards the service instead
		 */
		/**
		 * With the library's own chain nothing signs people in: this keeps Boot from
		 * creating its generated-password user (and saying so at every start).
		 */
		@Bean
		@ConditionalOnDefaultWebSecurity
		@ConditionalOnMissingBean({ AuthenticationProvider.class, UserDetailsService.class })
		LanyardJwtAuthenticationProvider lanyardJwtAuthenticationProvider(JwtVerifier verifier) {
			return new LanyardJwtAuthenticationProvider(verifier);
		}

		@Bean
		@ConditionalOnDefaultWebSecurity
		SecurityFilterChain lanyardJwtSecurityFilterChain(ObjectProvider<HttpSecurity> httpSecurity,
				LanyardJwtProperties properties) {
			HttpSecurity http = httpSecurity.getIfAvailable();
			if (http == null) {
				return null;
			}
			http.authorizeHttpRequests((requests) -> {
				if (!properties.publicPaths().isEmpty()) {
					requests.requestMatchers(properties.publicPaths().toArray(String[]::new)).permitAll();
				}
				requests.anyRequest().authenticated();
			});
			// Bearer tokens only: no cookie, no session, nothing to forge.
			http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
			http.csrf((csrf) -> csrf.disable());
			return http.build();
		}

	}

}
