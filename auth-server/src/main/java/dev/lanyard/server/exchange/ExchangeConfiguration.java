package dev.lanyard.server.exchange;

import java.time.Clock;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.authorization.CachedAccessTokens;
import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.key.SigningKeyService;
import dev.lanyard.server.storage.RedisMode;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Token exchange at the server, and the revocation channel gateways listen to. Server
 * nodes do not subscribe to it: they read the revocation outbox, which misses nothing.
 */
@Configuration(proxyBeanMethods = false)
class ExchangeConfiguration {

	@Bean
	ExchangedTokenCache exchangedTokenCache(Clock clock) {
		return new ExchangedTokenCache(clock);
	}

	@Bean
	TokenExchangeGrant tokenExchangeGrant(OAuth2AuthorizationService authorizations,
			LanyardRegisteredClientRepository clients, JdbcUserAccountRepository users, JwtEncoder jwtEncoder,
			ExchangedTokenCache cache, SigningKeyService signingKeys, LanyardProperties properties,
			MeterRegistry meters, Clock clock) {
		InternalJwtIssuer issuer = new InternalJwtIssuer(jwtEncoder, properties.exchange().tokenLifetime(),
				properties.exchange().attributes(), clock);
		return new TokenExchangeGrant(new TokenExchangeAuthenticationProvider(authorizations, clients,
				(id) -> users.findById(id).filter(UserAccount::active), issuer, cache, signingKeys::published, meters));
	}

	@Bean
	RevocationStream revocationStream(RevocationOutbox outbox, MeterRegistry meters) {
		RevocationStream stream = new RevocationStream(outbox);
		Gauge.builder("lanyard.revocations.stream.subscribers", stream, RevocationStream::subscribers)
			.description("Gateways listening to this node's revocation stream (those without Redis)")
			.register(meters);
		return stream;
	}

	@Bean
	RevocationChannel revocationChannel(RevocationOutbox outbox, CachedAccessTokens cachedTokens,
			ExchangedTokenCache cache, TransactionTemplate transactions, RedisMode redisMode,
			ObjectProvider<StringRedisTemplate> redis, LanyardProperties properties, MeterRegistry meters) {
		RevocationChannel channel = new RevocationChannel(outbox, cachedTokens, cache, transactions,
				redisMode.enabled() ? redis.getObject() : null, properties.redis().keyPrefix() + "revocations");
		Gauge.builder("lanyard.revocations.unrelayed", channel, RevocationChannel::unrelayed)
			.description("Revocations this node's last relay pass could not put in the token cache or publish")
			.register(meters);
		return channel;
	}

}
