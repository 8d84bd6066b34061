package dev.lanyard.exchange.service;

import dev.lanyard.exchange.GatewayTokenExchanger;
import dev.lanyard.exchange.RevocationStreamClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Without Redis, revocations come over HTTP: the authorization server's revocation stream
 * ({@link RevocationStreamClient}), so a revoked token is refused at once here too, with
 * nothing to run but Lanyard. With Redis configured, {@link RevocationSubscription}
 * listens on the Redis channel instead.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.data.redis.url:}${spring.data.redis.sentinel.master:}${spring.data.redis.cluster.nodes:}'.isEmpty()")
class RevocationStreamSubscription {

	private static final Logger logger = LoggerFactory.getLogger(RevocationStreamSubscription.class);

	@Bean
	RevocationStreamClient revocationStreamClient(ExchangeServiceProperties properties,
			GatewayTokenExchanger exchanger) {
		return new RevocationStreamClient(properties.issuer(), properties.clientId(), properties.clientSecret(),
				properties.connectTimeout(), exchanger);
	}

	/** Opens the stream once the service runs, in the background; closes it on stop. */
	@Bean
	SmartLifecycle revocationStreamLifecycle(RevocationStreamClient client, ExchangeServiceProperties properties) {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				logger.info("No Redis configured: revocations come from {}/revocations", properties.issuer());
				client.start();
				this.running = true;
			}

			@Override
			public void stop() {
				client.close();
				this.running = false;
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

		};
	}

}
