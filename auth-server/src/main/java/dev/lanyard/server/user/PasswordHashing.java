package dev.lanyard.server.user;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import dev.lanyard.server.web.TemporarilyUnavailableException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;

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
	 * What an account without a password is checked against: the Argon2id hash, with
	 * {@link #argon2id()}'s parameters, of 32 random bytes discarded once hashed. Knowing
	 * them would not help: such an account matches no password whatever the check says;
	 * the check is there for its time. A constant rather than a hash made at each start
	 * (19 MiB of Argon2 work per node start); {@code PasswordHashingTest} holds its
	 * parameters to those of new hashes.
	 */
	static final String UNUSABLE_HASH = "{argon2}$argon2id$v=19$m=19456,t=2,p=1$pUtp5ChP+rC/c9AQcnJ5Ig$"
			+ "uDlLcgYPeawxO5B0KeiiZ5x1HHzZLPyRnH0y2O/AqWk";

	/**
	 * Argon2id parameters: salt 16 bytes, hash 32 bytes, parallelism 1, 19 MiB, 2 passes.
	 */
	static Argon2PasswordEncoder argon2id() {
		return new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
	}

	/**
	 * How long a password check waits for its turn before the request is answered 503.
	 */
	static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

	@Bean
	PasswordEncoder passwordEncoder() {
		Map<String, PasswordEncoder> encoders = Map.of(DEFAULT_ID, argon2id(), "bcrypt", new BCryptPasswordEncoder(12));
		return new AbsentPasswordNeverMatches(new AFewAtOnce(new DelegatingPasswordEncoder(DEFAULT_ID, encoders),
				atOnce(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory()), LONGEST_WAIT));
	}

	/**
	 * How many hashes at once: one a processor (more only lengthens each), and no more
	 * than a quarter of the heap holds (19 MiB each, 20 counted): a node on a large host
	 * with a small heap (the image's 256 MB on 16 processors) would otherwise run out of
	 * memory all the same.
	 */
	static int atOnce(int processors, long maximumHeap) {
		return (int) Math.max(1, Math.min(processors, maximumHeap / 4 / (20L * 1024 * 1024)));
	}

	/**
	 * At most so many password hashes computed at once ({@link #atOnce}); others wait
	 * their turn, up to a limit, then the request is answered 503
	 * ({@link TemporarilyUnavailableException}). Each Argon2id computation holds 19 MiB
	 * of heap for its time: without a bound, a hundred sign-in attempts sent at once
	 * (each within its address's budget, unknown names checked too) asked for about 2 GB
	 * of a heap of a few hundred MB, and the node ran out of memory; more at once than
	 * processors only lengthens each. A bulkhead (Resilience4j) rather than a
	 * hand-written semaphore.
	 */
	static final class AFewAtOnce implements PasswordEncoder {

		private final PasswordEncoder encoder;

		private final Bulkhead bulkhead;

		AFewAtOnce(PasswordEncoder encoder, int atOnce, Duration longestWait) {
			this.encoder = encoder;
			this.bulkhead = Bulkhead.of("password-hashing",
					BulkheadConfig.custom().maxConcurrentCalls(atOnce).maxWaitDuration(longestWait).build());
		}

		@Override
		public String encode(CharSequence rawPassword) {
			return inTurn(() -> this.encoder.encode(rawPassword));
		}

		@Override
		public boolean matches(CharSequence rawPassword, String encodedPassword) {
			return inTurn(() -> this.encoder.matches(rawPassword, encodedPassword));
		}

		@Override
		public boolean upgradeEncoding(String encodedPassword) {
			return this.encoder.upgradeEncoding(encodedPassword);
		}

		private <T> T inTurn(Supplier<T> work) {
			try {
				return this.bulkhead.executeSupplier(work);
			}
			catch (BulkheadFullException ex) {
				throw new TemporarilyUnavailableException("Too many password checks at once");
			}
		}

	}

	/**
	 * An account without a password (provisioned from an upstream identity provider)
	 * matches no password, at the cost of a real check against a hash of a random secret:
	 * the time a wrong password takes does not tell such an account apart (OWASP ASVS 5.0
	 * §6.3.8).
	 */
	static final class AbsentPasswordNeverMatches implements PasswordEncoder {

		private final PasswordEncoder encoder;

		AbsentPasswordNeverMatches(PasswordEncoder encoder) {
			this.encoder = encoder;
		}

		@Override
		public String encode(CharSequence rawPassword) {
			return this.encoder.encode(rawPassword);
		}

		@Override
		public boolean matches(CharSequence rawPassword, String encodedPassword) {
			if (encodedPassword == null) {
				this.encoder.matches((rawPassword != null) ? rawPassword : "", UNUSABLE_HASH);
				return false;
			}
			return this.encoder.matches(rawPassword, encodedPassword);
		}

		@Override
		public boolean upgradeEncoding(String encodedPassword) {
			return encodedPassword != null && this.encoder.upgradeEncoding(encodedPassword);
		}

	}

}
