package dev.lanyard.server.token;

import java.time.Clock;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.dpop.DPoPAccessTokenBinding;
import dev.lanyard.server.storage.RedisMode;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.JdbcUserAccountRepository;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * The token generator the framework uses for every grant (opaque access and refresh
 * tokens, JWT ID tokens), and the issuance statistics.
 */
@Configuration(proxyBeanMethods = false)
class TokenGeneratorConfiguration {

	@Bean
	TokenIssuanceStatistics tokenIssuanceStatistics(RedisMode redisMode, ObjectProvider<StringRedisTemplate> redis,
			LanyardProperties properties, Clock clock) {
		return new TokenIssuanceStatistics(redisMode.enabled() ? redis.getObject() : null,
				properties.redis().keyPrefix(), clock);
	}

	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JwtEncoder jwtEncoder, LanyardProperties properties,
			JdbcUserAccountRepository users, Clock clock, SecondFactors secondFactors) {
		JwtGenerator idTokens = new JwtGenerator(jwtEncoder);
		idTokens.setJwtCustomizer(new IdTokenCustomizer(properties.tokens().idToken(),
				properties.tokens().idTokenUserClaims() ? users::findById : null));
		OAuth2AccessTokenGenerator accessTokenClaims = new OAuth2AccessTokenGenerator();
		accessTokenClaims.setClock(clock);
		DPoPAccessTokenBinding dpop = new DPoPAccessTokenBinding();
		SignInAccessTokenClaims signIn = new SignInAccessTokenClaims();
		accessTokenClaims.setAccessTokenCustomizer((context) -> {
			dpop.customize(context);
			signIn.customize(context);
		});
		return new ActiveUserTokenGenerator(new DelegatingOAuth2TokenGenerator(idTokens,
				new OpaqueAccessTokenGenerator(accessTokenClaims), new RotatingRefreshTokenGenerator(clock)), users,
				secondFactors);
	}

}
