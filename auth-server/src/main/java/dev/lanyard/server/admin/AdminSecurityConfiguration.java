package dev.lanyard.server.admin;

import dev.lanyard.server.LanyardProperties;

import dev.lanyard.server.login.ActiveAccountFilter;
import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.protocol.LocalOpaqueTokenIntrospector;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.web.SecurityHeadersPolicy;

import dev.lanyard.server.dpop.DPoPProofs;
import dev.lanyard.server.dpop.DPoPResourceRequests;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * The administration filter chains: the REST API (stateless, bearer tokens with scope
 * {@code admin}) and the console (the login session of a user with role {@code admin},
 * CSRF on every form). Path variants such as {@code //admin}, {@code /admin;x} or
 * {@code /%61dmin} are refused or normalised by Spring Security's firewall before these
 * matchers run.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

	@Bean
	@Order(2)
	SecurityFilterChain adminApiSecurityFilterChain(HttpSecurity http, OAuth2AuthorizationService authorizations,
			RegisteredClientRepository clients, JdbcUserAccountRepository users, SecurityHeadersPolicy headers,
			DPoPProofs dpopProofs, LanyardProperties properties, SecondFactors secondFactors) throws Exception {
		boolean secondFactorRequired = properties.login().mfaRequiredRoles().contains(AdminAccess.ROLE);
		http.securityMatcher("/api/admin/**")
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.GET, "/api/admin/openapi.yaml")
				.permitAll()
				.anyRequest()
				.access(AdminAccess.api(users, secondFactorRequired, secondFactors::requiredFor)))
			.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler(
					new ApiSecondFactorRequired(users, secondFactorRequired, secondFactors::requiredFor)))
			// RFC 9449 §7.1: a DPoP-bound token with its proof, or a bearer token.
			.oauth2ResourceServer((resourceServer) -> resourceServer.opaqueToken(
					(opaque) -> opaque.introspector(new LocalOpaqueTokenIntrospector(authorizations, clients, false)))
				.withObjectPostProcessor(new DPoPResourceRequests(AnyRequestMatcher.INSTANCE,
						new ProviderManager(new OpaqueTokenAuthenticationProvider(
								new LocalOpaqueTokenIntrospector(authorizations, clients, true))),
						dpopProofs)))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// Bearer tokens, no cookies: nothing for a cross-site request to ride on.
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		headers.applyTo(http);
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain adminConsoleSecurityFilterChain(HttpSecurity http, JdbcUserAccountRepository users,
			ActiveAccountFilter activeAccounts, SecurityHeadersPolicy headers, StepUp stepUp,
			LanyardProperties properties, SecondFactors secondFactors) throws Exception {
		boolean secondFactorRequired = properties.login().mfaRequiredRoles().contains(AdminAccess.ROLE);
		http.securityMatcher("/admin", "/admin/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest()
				.access(AdminAccess.console(users, secondFactorRequired, secondFactors::requiredFor)))
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"))
						.accessDeniedHandler(new ConsoleSecondFactor(users, stepUp, secondFactorRequired,
								secondFactors::requiredFor)))
			.logout((logout) -> logout.disable())
			.addFilterAfter(activeAccounts, SecurityContextHolderFilter.class);
		headers.applyTo(http);
		return http.build();
	}

}
