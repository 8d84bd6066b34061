package dev.lanyard.exchange.service;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.lanyard.exchange.GatewayTokenExchanger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Listens to the authorization server's revocation channel and drops cached JWTs of revoked
 * tokens at once. Active when {@code SPRING_DATA_REDIS_URL} is set; without it cached JWTs
 * live until they expire (at most five minutes).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${spring.data.redis.url:}'.isEmpty()")
class RevocationSubscription {

	private static final Logger logger = LoggerFactory.getLogger(RevocationSubscription.class);

	@Bean
	RedisMessageListenerContainer revocationListener(RedisConnectionFactory connections,
			GatewayTokenExchanger exchanger, ExchangeServiceProperties properties) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connections);
		container.addMessageListener((message, pattern) -> exchanger.revoked(tokenHashes(message.getBody())),
				new ChannelTopic(properties.revocationChannel()));
		return container;
	}

	static List<String> tokenHashes(byte[] message) {
		try {
			Map<String, Object> revocation = JSONObjectUtils.parse(new String(message, StandardCharsets.UTF_8));
			if (revocation.get("token_hashes") instanceof List<?> hashes) {
				return hashes.stream().map(String::valueOf).toList();
			}
		}
		catch (ParseException ex) {
			logger.warn("Ignoring an unreadable revocation message");
		}
		return List.of();
	}

}
