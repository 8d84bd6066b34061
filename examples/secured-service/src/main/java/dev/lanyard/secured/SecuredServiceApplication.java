package dev.lanyard.secured;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
 * A service on Spring Security behind the Lanyard gateway. With the Lanyard library on
 * the classpath nothing else is needed: every request needs a verified session (but
 * {@code lanyard.jwt.public-paths}), and {@code @PreAuthorize} sees the session's roles
 * and scopes. Without {@code @EnableMethodSecurity}, Spring ignores
 * {@code @PreAuthorize}.
 */
@SpringBootApplication
@EnableMethodSecurity
public class SecuredServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(SecuredServiceApplication.class, args);
	}

}
