package dev.lanyard.server;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * A test node whose clock runs ahead of the other nodes' and the database's by
 * {@code lanyard.test.clock-ahead} (a duration): for the rules that meet times from two
 * clocks. Only in test servers that set it (the servers scan this package).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("lanyard.test.clock-ahead")
class ClockAheadConfiguration {

	@Bean
	@Primary
	Clock clockAhead(@Value("${lanyard.test.clock-ahead}") Duration ahead) {
		return Clock.offset(Clock.systemUTC(), ahead);
	}

}
