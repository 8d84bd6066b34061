package dev.lanyard.jwt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.SessionClaims;
import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;

class SessionContextTest {

	private static TestAuthorizationServer server;

	private static JwtVerifier verifier;

	@BeforeAll
	static void start() {
		server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		verifier = JwtVerifier.builder().issuer(server.issuer()).build();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void openWhenClosedThenPreviousSessionRestored() throws Exception {
		String aliceToken = TestJwts.accessToken(server.issuer()).build();
		String bobToken = TestJwts.accessToken(server.issuer()).claim("sub", "bob").build();
		SessionClaims alice = verifier.verify(aliceToken);
		SessionClaims bob = verifier.verify(bobToken);
		assertThat(SessionContext.current()).isEmpty();
		try (SessionContext.Scope outer = SessionContext.open(alice, aliceToken)) {
			try (SessionContext.Scope inner = SessionContext.open(bob, bobToken)) {
				assertThat(SessionContext.current()).contains(bob);
				assertThat(SessionContext.currentToken()).contains(bobToken);
				inner.close(); // idempotent
			}
			assertThat(SessionContext.current()).contains(alice);
			assertThat(SessionContext.currentToken()).contains(aliceToken);
		}
		assertThat(SessionContext.current()).isEmpty();
		assertThat(SessionContext.currentToken()).isEmpty();
	}

	@Test
	void currentWhenOtherThreadThenNotVisible() throws Exception {
		String token = TestJwts.accessToken(server.issuer()).build();
		try (SessionContext.Scope scope = SessionContext.open(verifier.verify(token), token)) {
			assertThat(CompletableFuture.supplyAsync(SessionContext::current).get()).isEmpty();
		}
	}

}
