package dev.lanyard.server.authorization;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.token.TokenHash;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The storage rules that make single use atomic and refresh-token reuse fatal. */
class HashedAuthorizationServiceTest {

	private final HashedAuthorizationService service = SharedLanyard.server().bean(HashedAuthorizationService.class);

	private final RegisteredClient client = SharedLanyard.server()
		.bean(RegisteredClientRepository.class)
		.findByClientId("service");

	@Test
	void saveWhenAuthorizationChangedSinceReadThenInvalidGrantAndGrantRevoked() {
		String accessToken = "lyat_" + TokenHash.of("a" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		OAuth2Authorization first = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		OAuth2Authorization second = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);

		this.service.save(OAuth2Authorization.from(first).attribute("note", "first writer").build());

		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> this.service.save(OAuth2Authorization.from(second).attribute("note", "second").build()))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
		OAuth2Authorization after = this.service.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
		assertThat(after.getAccessToken().isInvalidated()).isTrue();
		assertThat((String) after.getAttribute("note")).isEqualTo("first writer");
	}

	@Test
	void findByRefreshTokenWhenRotatedAwayThenGrantRevoked() {
		String accessToken = "lyat_" + TokenHash.of("b" + System.nanoTime());
		String oldRefresh = "lyrt_" + TokenHash.of("old" + System.nanoTime());
		String newRefresh = "lyrt_" + TokenHash.of("new" + System.nanoTime());
		this.service.save(authorization(accessToken, oldRefresh));
		OAuth2Authorization stored = this.service.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN);
		this.service.save(OAuth2Authorization.from(stored).refreshToken(refresh(newRefresh)).build());
		assertThat(this.service.findByToken(newRefresh, OAuth2TokenType.REFRESH_TOKEN).getRefreshToken().isActive())
			.isTrue();

		assertThat(this.service.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();

		OAuth2Authorization revoked = this.service.findByToken(newRefresh, OAuth2TokenType.REFRESH_TOKEN);
		assertThat(revoked.getRefreshToken().isInvalidated()).isTrue();
		assertThat(revoked.getAccessToken().isInvalidated()).isTrue();
	}

	@Test
	void findByTokenWhenPlaceholderOrUnknownThenNothing() {
		String accessToken = "lyat_" + TokenHash.of("c" + System.nanoTime());
		this.service.save(authorization(accessToken, null));
		assertThat(this.service.findByToken("hash:" + TokenHash.of(accessToken), null)).isNull();
		assertThat(this.service.findByToken(TokenHash.of(accessToken), null)).isNull();
		assertThat(this.service.findByToken(accessToken, null).getAccessToken().getToken().getTokenValue())
			.isEqualTo(accessToken);
	}

	private OAuth2Authorization authorization(String accessToken, String refreshToken) {
		Instant now = Instant.now();
		OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(this.client)
			.principalName("service")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.authorizedScopes(Set.of("reports.read"))
			.accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, now,
					now.plus(10, ChronoUnit.MINUTES), Set.of("reports.read")));
		if (refreshToken != null) {
			builder.refreshToken(refresh(refreshToken));
		}
		return builder.build();
	}

	private static OAuth2RefreshToken refresh(String value) {
		Instant now = Instant.now();
		return new OAuth2RefreshToken(value, now, now.plus(1, ChronoUnit.HOURS));
	}

}
