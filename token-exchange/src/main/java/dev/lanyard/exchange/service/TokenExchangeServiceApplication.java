package dev.lanyard.exchange.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The gateway's token exchange service: NGINX asks it, through {@code auth_request}, to
 * turn the opaque token on each request into the internal JWT it forwards.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TokenExchangeServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(TokenExchangeServiceApplication.class, args);
	}

}
