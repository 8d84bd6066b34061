package dev.lanyard.server.exchange;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserAccount;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The exchange provider alone (TX-01 to TX-08 at unit level), with the framework's
 * in-memory authorization service and client repository, a real RSA signer and the real
 * JWT cache around it; the full server is exercised over HTTP in
 * {@link TokenExchangeTest}.
 */
class TokenExchangeAuthenticationProviderTest {

	private static final String ISSUER = "https://auth.example.com";

	/**
	 * The framework judges a token's expiry by the system clock: the tests' time is now.
	 */
	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private static final String SUBJECT_TOKEN = "lyat_alice_token";

	private static final String ACCESS = TokenExchangeAuthenticationProvider.ACCESS_TOKEN_TYPE;

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	private final RegisteredClient gateway = RegisteredClient.withId("gateway-id")
		.clientId("gateway")
		.clientSecret("{noop}gateway-secret")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
		.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
		.clientSettings(ClientSettings.builder()
			.setting(LanyardRegisteredClientRepository.EXCHANGE_AUDIENCES, List.of("internal", "billing"))
			.build())
		.build();

	private final RegisteredClient webApp = RegisteredClient.withId("web-app-id")
		.clientId("web-app")
		.clientSecret("{noop}web-app-secret")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("https://app.example.com/callback")
		.scope("openid")
		.scope("profile")
		.build();

	private final UserAccount alice = new UserAccount(UUID.randomUUID(), "alice", "alice@example.com", "hash", true,
			false, List.of("user", "admin"), Map.of("tenant", "acme", "secret", "not-copied"), NOW, NOW);

	private final Map<UUID, UserAccount> activeUsers = new HashMap<>();

	private final InMemoryOAuth2AuthorizationService authorizations = new InMemoryOAuth2AuthorizationService();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private RSAPublicKey publicKey;

	private TokenExchangeAuthenticationProvider provider;

	/** The kids of signing keys withdrawn (no longer published). */
	private final Set<String> withdrawnKeys = new HashSet<>();

	@BeforeEach
	void setUp() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keys = generator.generateKeyPair();
		this.publicKey = (RSAPublicKey) keys.getPublic();
		RSAKey jwk = new RSAKey.Builder(this.publicKey).privateKey((RSAPrivateKey) keys.getPrivate())
			.keyID("k1")
			.build();
		InternalJwtIssuer issuer = new InternalJwtIssuer(new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk))),
				Duration.ofMinutes(5), List.of("tenant"), this.clock);
		this.provider = new TokenExchangeAuthenticationProvider(this.authorizations,
				new InMemoryRegisteredClientRepository(this.gateway, this.webApp),
				(id) -> Optional.ofNullable(this.activeUsers.get(id)), issuer, new ExchangedTokenCache(this.clock),
				(kid) -> !this.withdrawnKeys.contains(kid), this.meters);
		this.activeUsers.put(this.alice.id(), this.alice);
		this.authorizations.save(userAuthorization(SUBJECT_TOKEN, NOW.plus(Duration.ofMinutes(15))));
		AuthorizationServerContextHolder.setContext(new AuthorizationServerContext() {

			@Override
			public String getIssuer() {
				return ISSUER;
			}

			@Override
			public AuthorizationServerSettings getAuthorizationServerSettings() {
				return AuthorizationServerSettings.builder().issuer(ISSUER).build();
			}

		});
	}

	@AfterEach
	void clearContext() {
		AuthorizationServerContextHolder.resetContext();
	}

	@Test
	void exchangeWhenActiveUserTokenThenInternalJwtWithTheSessionClaims() {
		OAuth2AccessTokenAuthenticationToken answer = exchange(request(SUBJECT_TOKEN, Set.of(), Set.of()));

		assertThat(answer.getAdditionalParameters()).containsEntry("issued_token_type",
				TokenExchangeAuthenticationProvider.JWT_TOKEN_TYPE);
		Jwt jwt = verified(answer.getAccessToken().getTokenValue());
		assertThat(jwt.getHeaders()).containsEntry("typ", "at+jwt").containsEntry("alg", "RS256");
		assertThat(jwt.getIssuer().toString()).isEqualTo(ISSUER);
		assertThat(jwt.getSubject()).isEqualTo(this.alice.id().toString());
		assertThat(jwt.getAudience()).containsExactly("internal");
		assertThat(jwt.getClaimAsString("client_id")).isEqualTo("web-app");
		assertThat(jwt.getClaimAsString("scope")).isEqualTo("openid profile");
		assertThat(jwt.getClaimAsString("preferred_username")).isEqualTo("alice");
		assertThat(jwt.getClaimAsStringList("roles")).containsExactly("user", "admin");
		assertThat(jwt.getClaimAsMap("act")).containsEntry("sub", "gateway");
		assertThat(jwt.getClaimAsString("sid")).isEqualTo("session-1");
		assertThat(jwt.getClaimAsString("tenant")).isEqualTo("acme");
		assertThat(jwt.getClaims()).doesNotContainKey("secret");
		assertThat(jwt.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
		assertThat(this.meters.counter(TokenExchangeAuthenticationProvider.METRIC, "outcome", "issued").count())
			.isEqualTo(1);
	}

	/** TX-06: never past the subject token. */
	@Test
	void exchangeWhenSubjectExpiresSoonerThenJwtExpiresWithIt() {
		this.authorizations.save(userAuthorization("lyat_short", NOW.plusSeconds(90)));
		Jwt jwt = verified(exchange(request("lyat_short", Set.of(), Set.of())).getAccessToken().getTokenValue());
		assertThat(jwt.getExpiresAt()).isEqualTo(NOW.plusSeconds(90));
	}

	@Test
	void exchangeWhenSameRequestAgainThenTheStillValidJwtIsReused() {
		String first = exchange(request(SUBJECT_TOKEN, Set.of(), Set.of())).getAccessToken().getTokenValue();
		assertThat(exchange(request(SUBJECT_TOKEN, Set.of(), Set.of())).getAccessToken().getTokenValue())
			.isEqualTo(first);
		assertThat(exchange(request(SUBJECT_TOKEN, Set.of("billing"), Set.of())).getAccessToken().getTokenValue())
			.as("another audience gets its own JWT")
			.isNotEqualTo(first);
	}

	/**
	 * A JWT whose signing key was withdrawn (an emergency) is not handed out again,
	 * though still valid by its time: services would refuse it. It was reused for up to
	 * four minutes.
	 */
	@Test
	void exchangeWhenTheCachedJwtsKeyWasWithdrawnThenANewJwt() {
		String first = exchange(request(SUBJECT_TOKEN, Set.of(), Set.of())).getAccessToken().getTokenValue();
		this.withdrawnKeys.add("k1");
		assertThat(exchange(request(SUBJECT_TOKEN, Set.of(), Set.of())).getAccessToken().getTokenValue())
			.isNotEqualTo(first);
	}

	/** TX-01. */
	@Test
	void exchangeWhenClientNotRegisteredForTheGrantThenUnauthorizedClient() {
		OAuth2ClientAuthenticationToken webAppPrincipal = new OAuth2ClientAuthenticationToken(this.webApp,
				ClientAuthenticationMethod.CLIENT_SECRET_BASIC, null);
		assertError(new OAuth2TokenExchangeAuthenticationToken(ACCESS, SUBJECT_TOKEN, ACCESS, webAppPrincipal, null,
				null, Set.of(), Set.of(), Set.of(), Map.of()), "unauthorized_client");
	}

	/** TX-02, TX-03, TX-07, TX-08. */
	@Test
	void exchangeWhenSubjectTokenNotAnActiveUserAccessTokenThenRefused() {
		assertError(request("lyat_unknown", Set.of(), Set.of()), "invalid_grant");
		assertError(request("x".repeat(TokenExchangeAuthenticationProvider.MAXIMUM_SUBJECT_TOKEN_LENGTH + 1), Set.of(),
				Set.of()), "invalid_request");
		assertError(new OAuth2TokenExchangeAuthenticationToken(ACCESS, SUBJECT_TOKEN,
				"urn:ietf:params:oauth:token-type:refresh_token", gatewayPrincipal(), null, null, Set.of(), Set.of(),
				Set.of(), Map.of()), "invalid_request");
		assertError(new OAuth2TokenExchangeAuthenticationToken(ACCESS, SUBJECT_TOKEN, ACCESS, gatewayPrincipal(),
				"lyat_actor", ACCESS, Set.of(), Set.of(), Set.of(), Map.of()), "invalid_request");

		this.authorizations.save(userAuthorization("lyat_expired", NOW.minusSeconds(1)));
		assertError(request("lyat_expired", Set.of(), Set.of()), "invalid_grant");

		this.authorizations.save(OAuth2Authorization.withRegisteredClient(this.webApp)
			.principalName("web-app")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.token(accessToken("lyat_client_own", NOW.plusSeconds(600)))
			.build());
		assertError(request("lyat_client_own", Set.of(), Set.of()), "invalid_grant");

		this.activeUsers.clear();
		assertError(request(SUBJECT_TOKEN, Set.of(), Set.of()), "invalid_grant");
	}

	/** TX-04. */
	@Test
	void exchangeWhenScopeBeyondTheSubjectTokensThenInvalidScope() {
		assertError(request(SUBJECT_TOKEN, Set.of(), Set.of("openid", "admin")), "invalid_scope");
		assertThat(exchange(request(SUBJECT_TOKEN, Set.of(), Set.of("openid"))).getAccessToken().getScopes())
			.containsExactly("openid");
	}

	/** TX-05, decision 2: exactly one audience from the client's allow-list. */
	@Test
	void exchangeWhenAudienceNotExactlyOneAllowedThenInvalidTarget() {
		assertError(request(SUBJECT_TOKEN, Set.of("payments"), Set.of()), "invalid_target");
		assertError(request(SUBJECT_TOKEN, Set.of("internal", "billing"), Set.of()), "invalid_target");
		assertError(new OAuth2TokenExchangeAuthenticationToken(ACCESS, SUBJECT_TOKEN, ACCESS, gatewayPrincipal(), null,
				null, Set.of("https://billing.example.com"), Set.of(), Set.of(), Map.of()), "invalid_target");
		assertThat(this.meters.counter(TokenExchangeAuthenticationProvider.METRIC, "outcome", "invalid_target").count())
			.isEqualTo(3);
	}

	/**
	 * The JWT, its signature checked with the signer's public key (its typ is at+jwt,
	 * which the framework's decoder would refuse).
	 */
	private Jwt verified(String token) {
		try {
			SignedJWT signed = SignedJWT.parse(token);
			assertThat(signed.verify(new RSASSAVerifier(this.publicKey))).as("signature").isTrue();
			return new Jwt(token, signed.getJWTClaimsSet().getIssueTime().toInstant(),
					signed.getJWTClaimsSet().getExpirationTime().toInstant(), signed.getHeader().toJSONObject(),
					signed.getJWTClaimsSet().toJSONObject());
		}
		catch (ParseException | JOSEException ex) {
			throw new AssertionError(ex);
		}
	}

	private OAuth2AccessTokenAuthenticationToken exchange(OAuth2TokenExchangeAuthenticationToken request) {
		return (OAuth2AccessTokenAuthenticationToken) this.provider.authenticate(request);
	}

	private void assertError(OAuth2TokenExchangeAuthenticationToken request, String code) {
		OAuth2AuthenticationException error = catchThrowableOfType(OAuth2AuthenticationException.class,
				() -> this.provider.authenticate(request));
		assertThat(error).as("expected %s", code).isNotNull();
		assertThat(error.getError().getErrorCode()).isEqualTo(code);
	}

	private OAuth2TokenExchangeAuthenticationToken request(String subjectToken, Set<String> audiences,
			Set<String> scopes) {
		return new OAuth2TokenExchangeAuthenticationToken(TokenExchangeAuthenticationProvider.JWT_TOKEN_TYPE,
				subjectToken, ACCESS, gatewayPrincipal(), null, null, Set.of(), audiences, scopes, Map.of());
	}

	private OAuth2ClientAuthenticationToken gatewayPrincipal() {
		return new OAuth2ClientAuthenticationToken(this.gateway, ClientAuthenticationMethod.CLIENT_SECRET_BASIC, null);
	}

	private OAuth2Authorization userAuthorization(String token, Instant expiresAt) {
		LanyardUser user = new LanyardUser(this.alice.id(), "alice", "hash", true, false, this.alice.roles());
		UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(user, null,
				user.getAuthorities());
		signedIn.setDetails(new LoginDetails("session-1", NOW.minusSeconds(60), "192.0.2.1", null));
		return OAuth2Authorization.withRegisteredClient(this.webApp)
			.principalName("alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.token(accessToken(token, expiresAt))
			.attribute(Principal.class.getName(), (Authentication) signedIn)
			.build();
	}

	private static OAuth2AccessToken accessToken(String value, Instant expiresAt) {
		Instant issuedAt = expiresAt.isAfter(NOW) ? NOW : expiresAt.minusSeconds(60);
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, issuedAt, expiresAt,
				Set.of("openid", "profile"));
	}

}
