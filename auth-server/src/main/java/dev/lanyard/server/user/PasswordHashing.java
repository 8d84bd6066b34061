package dev.lanyard.server.user;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * How user passwords are hashed: Argon2id with m = 19 MiB, t = 2, p = 1 (OWASP ASVS 5.0
 * §11.4.2 and Appendix C; Spring's own Argon2 defaults use 16 MiB, which is below that).
 * Hashes carry their algorithm ({@code {argon2}…}), so bcrypt hashes imported from
 * elsewhere still verify and are upgraded to Argon2id at the next successful login.
 */
@Configuration(proxyBeanMethods = false)
class PasswordHashing {

	static final String DEFAULT_ID = "argon2";

	/**
	 * Argon2id parameters: salt 16 bytes, hash 32 bytes, parallelism 1, 19 MiB, 2 passes.
	 */
	static Argon2PasswordEncoder argon2id() {
		return new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		Map<String, PasswordEncoder> encoders = Map.of(DEFAULT_ID, argon2id(), "bcrypt", new BCryptPasswordEncoder(12));
		return new DelegatingPasswordEncoder(DEFAULT_ID, encoders);
	}

}
