package dev.lanyard.server.protocol;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The introspection guard alone, in front of the framework's provider, with the
 * framework's in-memory authorization service (counting its lookups) and client
 * repository; the endpoint over HTTP is {@code IntrospectionAndRevocationTest}.
 */
class AccessTokenIntrospectionGuardTest {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private static final String ACCESS_TOKEN = "lyat_web_app_token";

	private static final String REFRESH_TOKEN = "lyrt_web_app_refresh";

	private final RegisteredClient webApp = client("web-app")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("https://app.example.com/callback")
		.scope("openid")
		.scope("orders.read")
		.build();

	private final RegisteredClient resourceServer = client("orders")
		.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
		.clientSettings(
				ClientSettings.builder().setting(LanyardRegisteredClientRepository.INTROSPECTION_ALLOWED, true).build())
		.build();

	private final RegisteredClient gateway = client("gateway")
		.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
		.build();

	private final RegisteredClient stranger = client("stranger")
		.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
		.build();

	private final CountingAuthorizations authorizations = new CountingAuthorizations();

	private final AccessTokenIntrospectionGuard guard = new AccessTokenIntrospectionGuard(
			new InMemoryRegisteredClientRepository(this.webApp, this.resourceServer, this.gateway, this.stranger),
			this.authorizations);

	@BeforeEach
	void storeAGrant() {
		this.authorizations.save(OAuth2Authorization.withRegisteredClient(this.webApp)
			.id("grant-1")
			.principalName("alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizedScopes(Set.of("openid", "orders.read"))
			.token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, ACCESS_TOKEN, NOW,
					NOW.plus(Duration.ofMinutes(15)), Set.of("openid", "orders.read")),
					(metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
							Map.of("sub", "alice", "scope", List.of("openid", "orders.read"))))
			.refreshToken(new OAuth2RefreshToken(REFRESH_TOKEN, NOW, NOW.plus(Duration.ofDays(1))))
			.build());
		this.authorizations.lookups.clear();
	}

	@Test
	void introspectWhenTheTokensOwnClientThenActiveWithItsClaimsAndLookedUpOnce() {
		OAuth2TokenIntrospection claims = introspect(this.webApp, ACCESS_TOKEN);

		assertThat(claims.isActive()).isTrue();
		assertThat(claims.getClientId()).isEqualTo("web-app");
		assertThat(claims.getSubject()).isEqualTo("alice");
		assertThat(claims.getScopes()).containsExactlyInAnyOrder("openid", "orders.read");
		assertThat(claims.getTokenType()).isEqualTo("Bearer");
		assertThat(claims.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
		assertThat(this.authorizations.lookups).containsExactly(ACCESS_TOKEN);
	}

	/**
	 * A scope taken from the token's client since: left out of the answer, as at token
	 * exchange and /userinfo.
	 */
	@Test
	void introspectWhenTheClientNoLongerHoldsAScopeThenLeftOut() {
		RegisteredClient narrowed = RegisteredClient.from(this.webApp)
			.scopes((scopes) -> scopes.remove("orders.read"))
			.build();
		AccessTokenIntrospectionGuard guard = new AccessTokenIntrospectionGuard(
				new InMemoryRegisteredClientRepository(narrowed, this.resourceServer), this.authorizations);
		OAuth2ClientAuthenticationToken caller = new OAuth2ClientAuthenticationToken(this.resourceServer,
				ClientAuthenticationMethod.CLIENT_SECRET_BASIC, null);

		OAuth2TokenIntrospection claims = ((OAuth2TokenIntrospectionAuthenticationToken) guard
			.authenticate(new OAuth2TokenIntrospectionAuthenticationToken(ACCESS_TOKEN, caller, null, Map.of())))
			.getTokenClaims();

		assertThat(claims.isActive()).isTrue();
		assertThat(claims.getScopes()).containsExactly("openid");
		assertThat(claims.getSubject()).isEqualTo("alice");
	}

	@Test
	void introspectWhenResourceServerOrGatewayThenActive() {
		assertThat(introspect(this.resourceServer, ACCESS_TOKEN).isActive()).isTrue();
		assertThat(introspect(this.gateway, ACCESS_TOKEN).isActive()).isTrue();
	}

	/** RFC 7662 §2.2: a client not allowed to know about the token learns nothing. */
	@Test
	void introspectWhenAnotherClientWithoutPermissionThenInactiveOnly() {
		OAuth2TokenIntrospection claims = introspect(this.stranger, ACCESS_TOKEN);

		assertThat(claims.isActive()).isFalse();
		assertThat(claims.getClaims()).containsOnlyKeys("active");
	}

	@Test
	void introspectWhenRefreshOrUnknownTokenThenInactive() {
		assertThat(introspect(this.webApp, REFRESH_TOKEN).isActive()).isFalse();
		assertThat(introspect(this.webApp, "lyat_unknown").isActive()).isFalse();
	}

	@Test
	void introspectWhenRevokedThenInactive() {
		OAuth2Authorization grant = this.authorizations.findById("grant-1");
		this.authorizations.save(OAuth2Authorization.from(grant).invalidate(grant.getAccessToken().getToken()).build());

		assertThat(introspect(this.webApp, ACCESS_TOKEN).isActive()).isFalse();
	}

	@Test
	void introspectWhenCallerNotAuthenticatedThenInvalidClientWithoutLookup() {
		OAuth2ClientAuthenticationToken unauthenticated = new OAuth2ClientAuthenticationToken("web-app",
				ClientAuthenticationMethod.CLIENT_SECRET_BASIC, "wrong", null);

		OAuth2AuthenticationException refused = catchThrowableOfType(OAuth2AuthenticationException.class,
				() -> this.guard.authenticate(new OAuth2TokenIntrospectionAuthenticationToken(ACCESS_TOKEN,
						unauthenticated, null, Map.of())));

		assertThat(refused.getError().getErrorCode()).isEqualTo("invalid_client");
		assertThat(this.authorizations.lookups).isEmpty();
	}

	private OAuth2TokenIntrospection introspect(RegisteredClient caller, String token) {
		OAuth2ClientAuthenticationToken principal = new OAuth2ClientAuthenticationToken(caller,
				ClientAuthenticationMethod.CLIENT_SECRET_BASIC, null);
		OAuth2TokenIntrospectionAuthenticationToken answer = (OAuth2TokenIntrospectionAuthenticationToken) this.guard
			.authenticate(new OAuth2TokenIntrospectionAuthenticationToken(token, principal, null, Map.of()));
		return answer.getTokenClaims();
	}

	private static RegisteredClient.Builder client(String clientId) {
		return RegisteredClient.withId(clientId + "-id")
			.clientId(clientId)
			.clientSecret("{noop}" + clientId + "-secret")
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
	}

	/** The framework's in-memory service, remembering which tokens were looked up. */
	private static final class CountingAuthorizations implements OAuth2AuthorizationService {

		private final InMemoryOAuth2AuthorizationService stored = new InMemoryOAuth2AuthorizationService();

		private final List<String> lookups = new ArrayList<>();

		@Override
		public void save(OAuth2Authorization authorization) {
			this.stored.save(authorization);
		}

		@Override
		public void remove(OAuth2Authorization authorization) {
			this.stored.remove(authorization);
		}

		@Override
		public OAuth2Authorization findById(String id) {
			return this.stored.findById(id);
		}

		@Override
		public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
			this.lookups.add(token);
			return this.stored.findByToken(token, tokenType);
		}

	}

}
