package dev.lanyard.server.exchange;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;

import dev.lanyard.server.client.ClientSecretEncoder;
import dev.lanyard.server.web.SecurityHeadersPolicy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may read the revocation stream: a gateway, i.e. a client allowed the token-exchange
 * grant, authenticated exactly as at the token endpoint (the framework's
 * {@code client_secret_basic}: RFC 6749 §2.3.1, form-encoded id and secret). Anyone else
 * gets 401; a client without the grant, 403. Stateless, no CSRF (nothing but GET).
 */
@Configuration(proxyBeanMethods = false)
class RevocationStreamSecurityConfiguration {

	@Bean
	@Order(4)
	SecurityFilterChain revocationStreamSecurityFilterChain(HttpSecurity http, RegisteredClientRepository clients,
			OAuth2AuthorizationService authorizations, SecurityHeadersPolicy headers) throws Exception {
		ClientSecretAuthenticationProvider secrets = new ClientSecretAuthenticationProvider(clients, authorizations);
		secrets.setPasswordEncoder(new ClientSecretEncoder());
		AuthenticationEntryPoint basic = (request, response, ex) -> {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"lanyard\"");
			response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
		};
		AuthenticationFilter clientAuthentication = new AuthenticationFilter(new ProviderManager(secrets),
				new ClientSecretBasicAuthenticationConverter());
		clientAuthentication.setSuccessHandler((request, response, authentication) -> {
		});
		clientAuthentication.setFailureHandler(new AuthenticationEntryPointFailureHandler(basic));
		http.securityMatcher(RevocationStreamController.PATH)
			.addFilterAt(clientAuthentication, BasicAuthenticationFilter.class)
			.authorizeHttpRequests((authorize) -> authorize.dispatcherTypeMatchers(DispatcherType.ASYNC)
				.permitAll()
				.anyRequest()
				.access((authentication, context) -> new AuthorizationDecision(
						authentication.get() instanceof OAuth2ClientAuthenticationToken client
								&& client.getRegisteredClient() != null
								&& client.getRegisteredClient()
									.getAuthorizationGrantTypes()
									.contains(AuthorizationGrantType.TOKEN_EXCHANGE))))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(basic))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		headers.applyTo(http);
		return http.build();
	}

}
