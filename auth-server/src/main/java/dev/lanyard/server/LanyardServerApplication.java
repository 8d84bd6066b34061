package dev.lanyard.server;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Lanyard's authorization server: OAuth 2.0 / OpenID Connect with opaque external tokens,
 * a hosted login page and token exchange for internal JWTs.
 */
@SpringBootApplication(scanBasePackages = { "dev.lanyard.server", "dev.lanyard.admin" })
@ConfigurationPropertiesScan
@EnableScheduling
public class LanyardServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(LanyardServerApplication.class, args);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
