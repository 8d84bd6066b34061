package dev.lanyard.server.protocol;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.client.ClientAssertionReplays;
import dev.lanyard.server.client.ClientSecretEncoder;
import dev.lanyard.server.consent.ConsentRequirement;
import dev.lanyard.server.exchange.TokenExchangeGrant;
import dev.lanyard.server.key.SigningKeyService;
import dev.lanyard.server.login.ActiveAccountFilter;
import dev.lanyard.server.token.TokenIssuanceStatistics;
import dev.lanyard.server.token.AuthorizationCodeGenerator;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.web.SecurityHeadersPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;

import dev.lanyard.server.device.DevicePolling;
import dev.lanyard.server.device.DeviceRequestLimit;
import dev.lanyard.server.dpop.DPoPParameterCheck;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.dpop.DPoPProofs;
import dev.lanyard.server.dpop.DPoPResourceRequests;
import dev.lanyard.server.dpop.DPoPTokenRequestRule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ErrorAuthenticationFailureHandler;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2PushedAuthorizationRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The protocol endpoints' security filter chain: the framework's authorization server
 * with OpenID Connect, shaped by Lanyard's rules (opaque tokens, {@code iss} in
 * authorization responses, response-mode check, logout without {@code id_token_hint},
 * public-client refresh, hashed client secrets).
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

	@Bean
	AuthorizationServerSettings authorizationServerSettings(LanyardProperties properties) {
		return AuthorizationServerSettings.builder()
			.issuer(properties.issuerString())
			.authorizationEndpoint("/oauth2/authorize")
			.tokenEndpoint("/oauth2/token")
			.tokenIntrospectionEndpoint("/oauth2/introspect")
			.pushedAuthorizationRequestEndpoint("/oauth2/par")
			.deviceAuthorizationEndpoint("/oauth2/device_authorization")
			.tokenRevocationEndpoint("/oauth2/revoke")
			.jwkSetEndpoint("/oauth2/jwks")
			.oidcUserInfoEndpoint("/userinfo")
			.oidcLogoutEndpoint("/connect/logout")
			.build();
	}

	@Bean
	SessionRegistry sessionRegistry() {
		return new StatelessSessionRegistry();
	}

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http,
			OAuth2AuthorizationService authorizations, RegisteredClientRepository clients,
			JdbcUserAccountRepository users, TokenExchangeGrant tokenExchange, TokenIssuanceStatistics statistics,
			ActiveAccountFilter activeAccounts, SecurityHeadersPolicy headers, MeterRegistry meters,
			AuthorizationServerSettings settings, SigningKeyService signingKeys, Clock clock,
			LanyardProperties properties, ClientAssertionReplays assertionReplays, DPoPProofs dpopProofs,
			DevicePolling devicePolling, LoginThrottle loginThrottle, StepUp stepUp, SecondFactors secondFactors)
			throws Exception {
		AuthorizationCodeGenerator codeGenerator = new AuthorizationCodeGenerator(clock);
		AuthorizationResponseHandler authorizationResponses = new AuthorizationResponseHandler();
		ClientAuthenticationFailureHandler clientFailures = new ClientAuthenticationFailureHandler();
		ClientKeySources keySources = new ClientKeySources();
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			server.clientAuthentication((clientAuthentication) -> clientAuthentication
				.authenticationConverter(PublicClientIdAuthentication.converter(settings))
				.authenticationConverters((converters) -> {
					converters
						.replaceAll((converter) -> (converter instanceof JwtClientAssertionAuthenticationConverter)
								? new ClientAssertionClientId() : converter);
					converters.add(0, new ClientAuthenticationMethodRule());
				})
				.authenticationProvider(PublicClientIdAuthentication.provider(clients))
				.authenticationProviders((providers) -> providers.forEach((provider) -> {
					if (provider instanceof ClientSecretAuthenticationProvider secrets) {
						secrets.setPasswordEncoder(new ClientSecretEncoder());
					}
					if (provider instanceof JwtClientAssertionAuthenticationProvider assertions) {
						assertions
							.setJwtDecoderFactory(new ClientAssertionDecoders(keySources, assertionReplays, clock));
					}
				}))
				.errorResponseHandler(clientFailures));
			server.authorizationEndpoint((authorization) -> authorization.consentPage("/oauth2/consent")
				.authorizationRequestConverter(new AuthorizationCodeGrantCheck(clients))
				.authorizationRequestConverter(new UnsupportedRequestCheck(clients))
				.authenticationProviders((providers) -> providers.forEach((provider) -> {
					if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider requests) {
						requests.setAuthorizationCodeGenerator(codeGenerator);
						requests.setAuthenticationValidator(authorizationRequestRules(secondFactors));
						requests.setAuthorizationConsentRequired(ConsentRequirement::isRequired);
					}
					if (provider instanceof OAuth2AuthorizationConsentAuthenticationProvider consents) {
						consents.setAuthorizationCodeGenerator(codeGenerator);
					}
				}))
				.authorizationResponseHandler(authorizationResponses)
				.errorResponseHandler(authorizationResponses));
			// RFC 9126: the same rules as the authorization endpoint, answered as JSON;
			// the
			// request_uri it issues is good once, for 300 s, for the client that pushed
			// it.
			server
				.pushedAuthorizationRequestEndpoint((par) -> par.pushedAuthorizationRequestConverters((converters) -> {
					converters.clear();
					converters.add(new PushedRequestCheck());
				}).authenticationProviders((providers) -> providers.forEach((provider) -> {
					if (provider instanceof OAuth2PushedAuthorizationRequestAuthenticationProvider pushed) {
						pushed.setAuthenticationValidator(authorizationRequestRules(secondFactors));
					}
				})));
			server.tokenIntrospectionEndpoint(
					(introspection) -> introspection.authenticationProviders((providers) -> providers
						.replaceAll((provider) -> (provider instanceof OAuth2TokenIntrospectionAuthenticationProvider)
								? new AccessTokenIntrospectionGuard(clients, authorizations) : provider)));
			server.tokenEndpoint((token) -> token
				.accessTokenRequestConverters((converters) -> converters.add(0, new DPoPParameterCheck()))
				// Token exchange is Lanyard's own grant; the framework's is too
				// permissive.
				.authenticationProviders((providers) -> {
					providers.removeIf(OAuth2TokenExchangeAuthenticationProvider.class::isInstance);
					providers.add(0, tokenExchange.provider());
					// RFC 8628 §3.5 slow_down, and RFC 9449: Lanyard's DPoP rules around
					// the grants clients use.
					providers.replaceAll((provider) -> DPoPTokenRequestRule.around(devicePolling.around(provider),
							dpopProofs, authorizations));
				})
				.accessTokenResponseHandler(new CountingTokenResponseHandler(meters, statistics))
				// invalid_client found after the client authenticated (its secret
				// replaced a moment ago): 401, as at client authentication (RFC 6749
				// §5.2).
				.errorResponseHandler(clientFailures.orElse(new OAuth2ErrorAuthenticationFailureHandler())));
			// RFC 8628: devices ask here; people confirm at /activate
			// (ActivateController),
			// never by following a link to the framework's verification endpoint, which
			// would grant at once for a client without consent (RFC 8628 §5.4).
			server.deviceAuthorizationEndpoint((device) -> device.verificationUri("/activate")
				.authenticationProviders((providers) -> providers
					.replaceAll((provider) -> DeviceRequestLimit.around(provider, loginThrottle,
							properties.login().maxDeviceRequestsPerClient(), properties.login().throttleWindow())))
				.errorResponseHandler(DeviceRequestLimit.errorResponses()));
			server.deviceVerificationEndpoint(
					(verification) -> verification.deviceVerificationRequestConverters((converters) -> {
						converters.clear();
						converters.add((request) -> {
							throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
						});
					})
						.authenticationProviders(List::clear)
						.errorResponseHandler((request, response, exception) -> response
							.sendRedirect(request.getContextPath() + "/activate")));
			server.authorizationServerMetadataEndpoint((metadata) -> metadata
				.authorizationServerMetadataCustomizer((builder) -> builder.claims(DiscoveryMetadata::customize)));
			server.oidc((oidc) -> oidc
				.providerConfigurationEndpoint((configuration) -> configuration
					.providerConfigurationCustomizer((builder) -> builder.claims(DiscoveryMetadata::customize)))
				.logoutEndpoint((logout) -> logout.logoutRequestConverter(RpInitiatedLogout.converter())
					.authenticationProvider(RpInitiatedLogout.provider(signingKeys, clients))
					.logoutResponseHandler(RpInitiatedLogout.responseHandler())
					.errorResponseHandler(RpInitiatedLogout.errorHandler()))
				.userInfoEndpoint((userInfo) -> userInfo.userInfoMapper(new UserInfoClaims(users, clients))));
		});
		// The user info endpoint takes this server's opaque access tokens. The framework
		// wires its resource-server support through jwt(); handing that an authentication
		// manager of our own replaces JWT decoding with a local token lookup.
		// RFC 9449 §7.1: a token bound to a DPoP key is refused as a bearer token; with
		// the DPoP scheme, the framework's DPoP support checks the proof against it.
		ProviderManager opaqueTokens = new ProviderManager(new OpaqueTokenAuthenticationProvider(
				new LocalOpaqueTokenIntrospector(authorizations, clients, false)));
		ProviderManager dpopBoundTokens = new ProviderManager(
				new OpaqueTokenAuthenticationProvider(new LocalOpaqueTokenIntrospector(authorizations, clients, true)));
		// Bearer tokens are read at the user info endpoint only: elsewhere on this chain
		// (the authorization endpoint above all) a stray Authorization header must not
		// replace the user's sign-in.
		DefaultBearerTokenResolver bearerTokens = new DefaultBearerTokenResolver();
		String userInfoEndpoint = settings.getOidcUserInfoEndpoint();
		http.oauth2ResourceServer((resourceServer) -> resourceServer.bearerTokenResolver(
				(request) -> userInfoEndpoint.equals(request.getServletPath()) ? bearerTokens.resolve(request) : null)
			.jwt((jwt) -> jwt.authenticationManager(opaqueTokens))
			.withObjectPostProcessor(new DPoPResourceRequests(
					(request) -> userInfoEndpoint.equals(request.getServletPath()), dpopBoundTokens, dpopProofs)));
		http.authorizeHttpRequests((authorize) -> authorize
			// OpenID Connect Core §3.1.2.6: prompt=none must answer login_required rather
			// than
			// show a login page, so such requests reach the endpoint unauthenticated.
			.requestMatchers(AuthorizationServerConfiguration::isPromptNone)
			.permitAll()
			.anyRequest()
			.authenticated());
		// Authorization requests by GET or POST (OpenID Connect Core §3.1.2.1) go to the
		// login page, and come back after it with every parameter.
		// RFC 6749 §5.2: a request to an endpoint that needs client authentication and
		// carries none gets invalid_client, as JSON, like a failed one.
		AuthenticationEntryPoint noClient = (request, response, exception) -> clientFailures.onAuthenticationFailure(
				request, response, new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT));
		http.exceptionHandling((exceptions) -> {
			exceptions
				.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
						PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/oauth2/authorize"))
				.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
						PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/oauth2/authorize"));
			for (String endpoint : List.of(settings.getTokenEndpoint(), settings.getTokenIntrospectionEndpoint(),
					settings.getTokenRevocationEndpoint(), settings.getPushedAuthorizationRequestEndpoint(),
					settings.getDeviceAuthorizationEndpoint())) {
				exceptions.defaultAuthenticationEntryPointFor(noClient,
						PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, endpoint));
			}
		});
		AuthorizationRequestCache authorizationRequests = new AuthorizationRequestCache();
		http.requestCache((cache) -> cache.requestCache(authorizationRequests));
		// First after the security context: every rule below reads a pushed request's
		// parameters.
		http.addFilterAfter(new PushedRequestParameters(authorizations), SecurityContextHolderFilter.class);
		http.addFilterAfter(new RequestObjectParameters(clients, keySources, properties, clock),
				SecurityContextHolderFilter.class);
		http.addFilterAfter(new ReauthenticationFilter(authorizationRequests, clock),
				SecurityContextHolderFilter.class);
		http.addFilterAfter(new StepUpFilter(authorizationRequests, stepUp, clients, secondFactors),
				SecurityContextHolderFilter.class);
		http.addFilterAfter(activeAccounts, SecurityContextHolderFilter.class);
		http.addFilterAfter(new JwksCacheControl(settings.getJwkSetEndpoint(), properties.keys().jwksMaxAge()),
				SecurityContextHolderFilter.class);
		headers.applyTo(http);
		return http.build();
	}

	/** What an authorization request must meet, pushed or not. */
	private static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> authorizationRequestRules(
			SecondFactors secondFactors) {
		return new RedirectUriRule()
			.andThen(OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR)
			.andThen(new AuthorizationRequestRules(secondFactors::requiredFor));
	}

	private static boolean isPromptNone(HttpServletRequest request) {
		return "/oauth2/authorize".equals(request.getServletPath())
				&& ReauthenticationFilter.prompts(request).contains("none");
	}

}
