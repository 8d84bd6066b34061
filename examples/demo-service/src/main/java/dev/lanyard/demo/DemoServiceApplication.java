package dev.lanyard.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A microservice behind the Lanyard gateway. Every request carries an internal JWT, which
 * the Lanyard JWT client library verifies before any controller runs; see
 * {@code application.yml} for the whole of the configuration.
 */
@SpringBootApplication
public class DemoServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoServiceApplication.class, args);
	}

}
