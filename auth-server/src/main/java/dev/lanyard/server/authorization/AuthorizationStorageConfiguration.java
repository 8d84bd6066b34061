package dev.lanyard.server.authorization;

import java.time.Clock;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.storage.RedisMode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/** Where grants and consents live: PostgreSQL, with the token cache in Redis or in-process. */
@Configuration(proxyBeanMethods = false)
class AuthorizationStorageConfiguration {

	@Bean
	AccessTokenCache accessTokenCache(RedisMode redisMode, ObjectProvider<StringRedisTemplate> redis,
			LanyardProperties properties, Clock clock) {
		return redisMode.enabled() ? new RedisAccessTokenCache(redis.getObject(), properties.redis().keyPrefix())
				: new InMemoryAccessTokenCache(clock);
	}

	@Bean
	RevocationOutbox revocationOutbox(JdbcClient jdbc) {
		return new RevocationOutbox(jdbc);
	}

	@Bean
	HashedAuthorizationService authorizationService(JdbcClient jdbc, TransactionTemplate transactions,
			RegisteredClientRepository clients, AccessTokenCache cache, LanyardProperties properties,
			ApplicationEventPublisher events, Clock clock, RevocationOutbox outbox) {
		return new HashedAuthorizationService(jdbc, transactions, clients, cache, properties.redis().tokenCacheTtl(),
				events, clock, outbox);
	}

	@Bean
	OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbc,
			RegisteredClientRepository clients) {
		return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
	}

}
