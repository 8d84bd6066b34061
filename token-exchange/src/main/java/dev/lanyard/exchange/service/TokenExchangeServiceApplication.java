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
		application().run(args);
	}

	/**
	 * The service as {@link #main} runs it. Its start-up rules are added here rather than
	 * in {@code META-INF/spring.factories}: this jar is also a library, and an
	 * application that uses it keeps its own.
	 */
	static SpringApplication application() {
		SpringApplication application = new SpringApplication(TokenExchangeServiceApplication.class);
		application.addListeners(new NoTracerWhileTracesOff());
		return application;
	}

}
