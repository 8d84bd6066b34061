package dev.lanyard.server.authorization;

import java.time.Clock;
import java.time.Duration;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.consent.AuditedConsents;
import dev.lanyard.server.storage.RedisMode;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where grants and consents live: PostgreSQL, with the token cache in Redis or
 * in-process.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationStorageConfiguration {

	@Bean
	AccessTokenCache accessTokenCache(RedisMode redisMode, ObjectProvider<StringRedisTemplate> redis,
			ObjectProvider<RedisConnectionFactory> connections, LanyardProperties properties, Clock clock,
			MeterRegistry meters, RevocationOutbox outbox) {
		if (!redisMode.enabled()) {
			return new InMemoryAccessTokenCache(clock);
		}
		RedisAccessTokenCache shared = new RedisAccessTokenCache(redis.getObject(), properties.redis().keyPrefix());
		if (connections.getObject() instanceof LettuceConnectionFactory lettuce && !lettuce.isClusterAware()) {
			// A single server (or a Sentinel-chosen primary) holds every key: one
			// connection hears every change of the cache.
			// The connection lost (Redis restarted, or failed over to a replica that may
			// lack the last revocations its primary acknowledged): the revocations of an
			// entry's lifetime are written to the cache again.
			Duration kept = properties.redis().tokenCacheTtl();
			TrackedAccessTokenCache tracked = new TrackedAccessTokenCache(shared, shared.keyPrefix(),
					() -> ((RedisClient) lettuce.getRequiredNativeClient()).connect(), kept,
					() -> outbox.reapplyToCacheWithin(kept.plusSeconds(5)));
			Gauge.builder("lanyard.token.cache.copy.believed", tracked, (cache) -> cache.believed() ? 1 : 0)
				.description("1 while this node answers token lookups from its copy, kept exact by Redis; "
						+ "0 while it reads Redis every time (tracking lost, stalled, or refused)")
				.register(meters);
			FunctionCounter.builder("lanyard.token.cache.copy.hits", tracked, TrackedAccessTokenCache::servedFromCopy)
				.description("Token lookups this node answered from its copy, without Redis")
				.register(meters);
			return tracked;
		}
		LoggerFactory.getLogger(AuthorizationStorageConfiguration.class)
			.info("Redis Cluster: token lookups read Redis every time (no copy in the node)");
		return shared;
	}

	/**
	 * On Redis Cluster: a failover's promoted replica may lack the last revocations; they
	 * are written to the cache again ({@link ClusterFailovers}).
	 */
	@Bean(destroyMethod = "close")
	ClusterFailovers clusterFailovers(RedisMode redisMode, ObjectProvider<RedisConnectionFactory> connections,
			LanyardProperties properties, RevocationOutbox outbox) {
		Duration kept = properties.redis().tokenCacheTtl();
		if (redisMode.enabled() && connections.getObject() instanceof LettuceConnectionFactory lettuce
				&& lettuce.isClusterAware()) {
			return ClusterFailovers.follow(lettuce.getRequiredNativeClient().getResources(),
					() -> outbox.reapplyToCacheWithin(kept.plusSeconds(5)));
		}
		return ClusterFailovers.none();
	}

	@Bean
	RevocationOutbox revocationOutbox(JdbcClient jdbc) {
		return new RevocationOutbox(jdbc);
	}

	@Bean
	JdbcAuthorizationRows authorizationRows(NamedParameterJdbcOperations jdbc, Clock clock) {
		return new JdbcAuthorizationRows(jdbc, clock);
	}

	@Bean
	AuthorizationCodec authorizationCodec() {
		return new AuthorizationCodec();
	}

	@Bean
	CachedAccessTokens cachedAccessTokens(AccessTokenCache cache, LanyardProperties properties, Clock clock,
			AuthorizationCodec codec) {
		return new CachedAccessTokens(cache, properties.redis().tokenCacheTtl(), clock, codec);
	}

	@Bean
	RecordedGrantRevocations grantRevocations(JdbcAuthorizationRows rows, CachedAccessTokens cache,
			RevocationOutbox outbox, TransactionTemplate transactions, ApplicationEventPublisher events,
			ObjectProvider<SessionEndObserver> sessionEnds) {
		return new RecordedGrantRevocations(rows, cache, outbox, transactions, events, sessionEnds);
	}

	@Bean
	HashedAuthorizationService authorizationService(JdbcAuthorizationRows rows, CachedAccessTokens cache,
			RecordedGrantRevocations revocations, TransactionTemplate transactions, RegisteredClientRepository clients,
			Clock clock, AuthorizationCodec codec) {
		return new HashedAuthorizationService(rows, cache, revocations, transactions, clients, clock, codec);
	}

	@Bean
	OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbc, RegisteredClientRepository clients,
			AuditLog audit, TransactionTemplate transactions, JdbcUserAccountRepository accounts) {
		return new AuditedConsents(new JdbcOAuth2AuthorizationConsentService(jdbc, clients), clients, audit, accounts,
				transactions);
	}

}
