package dev.lanyard.server.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.TestUserAccounts;
import dev.lanyard.server.user.UserAccount;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ID token customizer alone: the user claims the scopes release, read from the
 * account, and the switch that keeps them to {@code /userinfo}.
 */
class IdTokenCustomizerTest {

	private final UserAccount alice = stored(TestUserAccounts.user("alice").build());

	@Test
	void customizeWhenProfileAndEmailGrantedThenTheirClaims() {
		Map<String, Object> claims = customize(new IdTokenCustomizer(Duration.ofMinutes(15), this::alice),
				Set.of("openid", "profile", "email"));
		assertThat(claims).containsEntry("preferred_username", "alice")
			.containsEntry("email", "alice@example.com")
			.containsEntry("email_verified", false)
			.containsKey("updated_at");
	}

	@Test
	void customizeWhenOnlyOpenidGrantedThenNoUserClaims() {
		Map<String, Object> claims = customize(new IdTokenCustomizer(Duration.ofMinutes(15), this::alice),
				Set.of("openid"));
		assertThat(claims).doesNotContainKeys("preferred_username", "email", "email_verified", "updated_at");
	}

	@Test
	void customizeWhenUserClaimsSwitchedOffThenNone() {
		Map<String, Object> claims = customize(new IdTokenCustomizer(Duration.ofMinutes(15), null),
				Set.of("openid", "profile", "email"));
		assertThat(claims).doesNotContainKeys("preferred_username", "email");
	}

	@Test
	void customizeWhenAccountGoneThenNoUserClaims() {
		Map<String, Object> claims = customize(new IdTokenCustomizer(Duration.ofMinutes(15), (id) -> Optional.empty()),
				Set.of("openid", "profile", "email"));
		assertThat(claims).doesNotContainKeys("preferred_username", "email");
	}

	/** As read back from the database, which sets the times. */
	private static UserAccount stored(UserAccount account) {
		Instant now = Instant.now();
		return new UserAccount(account.id(), account.username(), account.email(), account.passwordHash(),
				account.enabled(), account.locked(), account.roles(), account.attributes(), now, now);
	}

	private Optional<UserAccount> alice(java.util.UUID id) {
		return id.equals(this.alice.id()) ? Optional.of(this.alice) : Optional.empty();
	}

	private Map<String, Object> customize(IdTokenCustomizer customizer, Set<String> scopes) {
		LanyardUser principal = new LanyardUser(this.alice.id(), "alice", "{noop}x", true, false, List.of());
		Instant now = Instant.now();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.subject(this.alice.id().toString())
			.issuedAt(now)
			.expiresAt(now.plusSeconds(60));
		JwtEncodingContext context = JwtEncodingContext.with(JwsHeader.with(SignatureAlgorithm.RS256), claims)
			.principal(UsernamePasswordAuthenticationToken.authenticated(principal, null, List.of()))
			.authorizedScopes(scopes)
			.tokenType(new OAuth2TokenType(OidcParameterNames.ID_TOKEN))
			.build();
		customizer.customize(context);
		return claims.build().getClaims();
	}

}
