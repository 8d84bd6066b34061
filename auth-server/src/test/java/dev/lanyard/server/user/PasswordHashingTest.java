package dev.lanyard.server.user;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.web.TemporarilyUnavailableException;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** LG-01 to LG-03 and LG-07: how passwords are stored, upgraded and chosen. */
class PasswordHashingTest {

	private final LanyardTestServer server = SharedLanyard.server();

	private final JdbcUserAccountRepository users = this.server.bean(JdbcUserAccountRepository.class);

	private final UserService userService = this.server.bean(UserService.class);

	@Test
	void newPasswordWhenStoredThenArgon2idWithAsvsParametersAndUniqueSalt() {
		UserAccount first = this.userService
			.importUser("hash-one-" + UUID.randomUUID(), "same-password-123", null, List.of(), Map.of(), Map.of(), true)
			.after();
		UserAccount second = this.userService
			.importUser("hash-two-" + UUID.randomUUID(), "same-password-123", null, List.of(), Map.of(), Map.of(), true)
			.after();
		assertThat(first.passwordHash()).startsWith("{argon2}$argon2id$v=19$m=19456,t=2,p=1$");
		assertThat(first.passwordHash()).isNotEqualTo(second.passwordHash());
	}

	@Test
	void accountWithoutPasswordWhenCheckedThenRefusedAfterAnArgon2idCheckWithTheParametersOfNewHashes() {
		PasswordEncoder encoder = this.server.bean(PasswordEncoder.class);
		String newHash = encoder.encode("any-password-123");
		// The same algorithm, version and cost as a stored password: the refusal takes as
		// long as a wrong password does.
		assertThat(PasswordHashing.UNUSABLE_HASH)
			.matches("\\{argon2}\\$argon2id\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
		assertThat(costPart(PasswordHashing.UNUSABLE_HASH)).isEqualTo(costPart(newHash));
		assertThat(encoder.matches("any-password-123", null)).isFalse();
		assertThat(encoder.matches("", null)).isFalse();
		assertThat(encoder.matches(null, null)).isFalse();
	}

	/**
	 * At most so many password hashes computed at once (each Argon2id holds 19 MiB of
	 * heap): the others wait their turn, and past the longest wait the request is refused
	 * as "try again" (503), never run beside the others.
	 */
	@Test
	void passwordChecksWhenMoreAtOnceThanAllowedThenOthersWaitThenAreRefused() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		CountDownLatch finish = new CountDownLatch(1);
		PasswordEncoder slow = new PasswordEncoder() {

			@Override
			public String encode(CharSequence rawPassword) {
				return "hash";
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				try {
					return finish.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
				finally {
					running.decrementAndGet();
				}
			}

		};
		assertThat(PasswordHashing.atOnce(2, 4096L * 1024 * 1024)).as("by processors").isEqualTo(2);
		assertThat(PasswordHashing.atOnce(16, 256L * 1024 * 1024)).as("by a small heap").isEqualTo(3);
		assertThat(PasswordHashing.atOnce(1, 32L * 1024 * 1024)).as("always one").isEqualTo(1);
		PasswordHashing.AFewAtOnce bounded = new PasswordHashing.AFewAtOnce(slow, 2, Duration.ofMillis(300));
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try {
			Future<Boolean> first = threads.submit(() -> bounded.matches("a", "hash"));
			Future<Boolean> second = threads.submit(() -> bounded.matches("b", "hash"));
			Future<Boolean> waiting = threads.submit(() -> bounded.matches("c", "hash"));
			await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 2);
			assertThatThrownBy(waiting::get).hasCauseInstanceOf(TemporarilyUnavailableException.class);
			finish.countDown();
			assertThat(first.get()).isTrue();
			assertThat(second.get()).isTrue();
			assertThat(bounded.matches("d", "hash")).as("its turn came").isTrue();
			assertThat(most).hasValue(2);
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * A sign-in checked the old (bcrypt) password while a new one was set: the old one's
	 * upgrade, written after, used to put the old password back.
	 */
	@Test
	void upgradeWhenPasswordSetMeanwhileThenTheNewPasswordStays() {
		String username = "upgraded-" + UUID.randomUUID().toString().substring(0, 8);
		UUID id = UUID.randomUUID();
		this.users.insert(
				new UserAccount(id, username, null, "{bcrypt}" + new BCryptPasswordEncoder(4).encode("old-password-42"),
						true, false, List.of("user"), Map.of(), Instant.now(), Instant.now()));
		LanyardUserDetailsService accounts = this.server.bean(LanyardUserDetailsService.class);
		UserDetails checked = accounts.loadUserByUsername(username);
		String setMeanwhile = this.server.bean(PasswordEncoder.class).encode("new-password-42");
		this.users.updatePasswordHash(id, setMeanwhile);

		accounts.updatePassword(checked, this.server.bean(PasswordEncoder.class).encode("old-password-42"));

		assertThat(this.users.findById(id).orElseThrow().passwordHash()).isEqualTo(setMeanwhile);
	}

	// "{argon2}$argon2id$v=19$m=…,t=…,p=…" without the salt and hash.
	private static String costPart(String hash) {
		return hash.substring(0, hash.lastIndexOf('$', hash.lastIndexOf('$') - 1));
	}

	@Test
	void loginWhenStoredHashIsBcryptThenUpgradedToArgon2id() {
		String username = "legacy-" + UUID.randomUUID().toString().substring(0, 8);
		String bcrypt = "{bcrypt}" + new BCryptPasswordEncoder(12).encode("legacy-password-42");
		this.users.insert(new UserAccount(UUID.randomUUID(), username, null, bcrypt, true, false, List.of("user"),
				Map.of(), Instant.now(), Instant.now()));

		TestBrowser browser = new TestBrowser();
		assertThat(TestBrowser.location(SharedLanyard.flows().signIn(browser, username, "legacy-password-42")))
			.doesNotContain("error");

		assertThat(this.users.findByLoginName(username).orElseThrow().passwordHash())
			.startsWith("{argon2}$argon2id$v=19$m=19456,t=2,p=1$");
	}

	@Test
	void passwordPolicyWhenWeakThenRefusedAndLongAccepted() {
		PasswordPolicy policy = this.server.bean(PasswordPolicy.class);
		assertThat(policy.check("short7!", "x", null)).hasValue("password.too-short");
		assertThat(policy.check("password123", "x", null)).hasValue("password.too-common");
		assertThat(policy.check("Qwertyuiop", "x", null)).hasValue("password.too-common");
		assertThat(policy.check("AliceInChains", "aliceinchains", null)).hasValue("password.same-as-username");
		assertThat(policy.check("x".repeat(257), "x", null)).hasValue("password.too-long");
		assertThat(policy.check("correct horse battery staple " + "z".repeat(40), "x", null)).isEmpty();
		assertThat(policy.check("  spaces kept  ", "x", null)).isEmpty();
		assertThat(policy.check("Ünïcödé-ståys-äs-typed-42", "x", null)).isEmpty();
	}

	/**
	 * HD-11: guessability is judged by a kept estimator (zxcvbn) fed with Lanyard's list
	 * of breached passwords and the account's own names, not by composition rules.
	 */
	@Test
	void hd11PasswordWhenGuessableThenRefusedByTheEstimator() {
		PasswordPolicy policy = this.server.bean(PasswordPolicy.class);
		// Eight spaces, a repeat, a keyboard walk, a sequence, a date: all long enough.
		for (String guessable : new String[] { "        ", "aaaaaaaaaaaa", "qwertyuiop123", "abcdefgh1234",
				"12/05/1990x", "iloveyou2026" }) {
			assertThat(policy.check(guessable, "someone", null)).as(guessable).hasValue("password.too-guessable");
		}
		// Famous published passwords: the list refuses them as typed, the estimator as
		// the
		// words inside a longer one.
		assertThat(policy.check("correcthorsebatterystaple", "x", null)).hasValue("password.too-common");
		assertThat(policy.check("Tr0ub4dor&3", "x", null)).hasValue("password.too-common");
		assertThat(policy.check("correcthorsebatterystaple1", "x", null)).hasValue("password.too-guessable");
		// Built from the account's own name or e-mail address.
		assertThat(policy.check("carol2026!", "carol", null)).hasValue("password.too-guessable");
		assertThat(policy.check("dmitri-1988", "someone", "dmitri@example.com")).hasValue("password.too-guessable");
		assertThat(policy.check("lanyard2026", "someone", null)).hasValue("password.too-guessable");
		// No composition rules: long, unrelated words pass.
		assertThat(policy.check("plum violin harbor ochre", "someone", null)).isEmpty();
	}

}
