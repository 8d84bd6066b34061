package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** JW-34: whatever goes wrong, no log line carries a token or part of one. */
class LogHygieneTest {

	private final Logger logger = Logger.getLogger("dev.lanyard");

	private final List<String> lines = new ArrayList<>();

	private final Handler capture = new Handler() {
		private final SimpleFormatter formatter = new SimpleFormatter();

		@Override
		public void publish(LogRecord record) {
			LogHygieneTest.this.lines.add(this.formatter.format(record));
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}
	};

	private Level previous;

	@BeforeEach
	void captureLogs() {
		this.previous = this.logger.getLevel();
		this.logger.setLevel(Level.ALL);
		this.capture.setLevel(Level.ALL);
		this.logger.addHandler(this.capture);
	}

	@AfterEach
	void releaseLogs() {
		this.logger.removeHandler(this.capture);
		this.logger.setLevel(this.previous);
	}

	private static String reject(JwtVerifier verifier, String token) {
		Rejections.rejection(verifier, token);
		return token;
	}

	@Test
	@DisplayName("JW-34 rejections, JWKS failures and hostile JWKS entries log nothing of the token")
	void verifyWhenAttacksAndFailuresThenLogsCarryNoTokenContent() throws Exception {
		List<String> tokens = new ArrayList<>();
		try (TestAuthorizationServer server = TestAuthorizationServer.start(TestKeys.RSA_K1)) {
			JwtVerifier verifier = JwtVerifier.builder()
				.issuer(server.issuer())
				.jwksRefetchInterval(Duration.ofMillis(1))
				.build();
			server.publishRaw("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"AAAA\"},\"junk\"]}");
			tokens.add(reject(verifier, TestJwts.accessToken(server.issuer()).build()));
			server.jwksStatus(500);
			Thread.sleep(5);
			tokens.add(reject(verifier, TestJwts.accessToken(server.issuer()).header("kid", "other").build()));
			server.jwksStatus(200);
			server.publish(TestKeys.RSA_K1);
			Thread.sleep(5);
			tokens.add(reject(verifier, TestJwts.accessToken(server.issuer()).header("kid", "unknown").build()));
			tokens.add(reject(verifier, TestJwts.accessToken(server.issuer()).signedWith(TestKeys.ATTACKER).build()));
			tokens.add(reject(verifier, TestJwts.accessToken(server.issuer()).header("alg", "none").build()));
			tokens.add(reject(verifier,
					TestJwts.accessToken(server.issuer()).claim("iss", "https://evil.example").build()));
			tokens
				.add(reject(verifier, TestJwts.accessToken(server.issuer()).header("jku", server.canaryUrl()).build()));
		}
		assertThat(this.lines).as("the capture works: JWKS problems are logged")
			.isNotEmpty()
			.anyMatch(line -> line.contains("Ignoring a JWKS entry"))
			.anyMatch(line -> line.contains("Could not load the JWKS"));
		for (String token : tokens) {
			for (String line : this.lines) {
				Rejections.assertNoTokenContent(line, token);
			}
		}
	}

}
