package dev.lanyard.server.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.SharedLanyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Client registration rules that need the database's word, not only the check before it.
 */
class ClientServiceTest {

	private final ClientService clients = SharedLanyard.server().bean(ClientService.class);

	private final TransactionTemplate transactions = SharedLanyard.server().bean(TransactionTemplate.class);

	private final JdbcTemplate jdbc = new JdbcTemplate(SharedLanyard.server().bean(DataSource.class));

	/**
	 * Two registrations of one client id at once: both pass the existence check, the
	 * unique index decides, and the loser gets the same answer as a late registration (a
	 * conflict), not a server error.
	 */
	@Test
	void registerWhenSameClientIdRegisteredConcurrentlyThenSecondIsAlreadyExists() throws Exception {
		String clientId = "race-" + UUID.randomUUID();
		ClientRegistration registration = new ClientRegistration(clientId, null, false, null, null, null, null,
				List.of(), List.of(), Set.of("client_credentials"), Set.of(), null, null, null, null, null, List.of(),
				false, null, null, null, null, null);
		CountDownLatch inserted = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Void> first = CompletableFuture
			.runAsync(() -> this.transactions.executeWithoutResult((tx) -> {
				this.clients.register(registration);
				inserted.countDown();
				await(commit);
			}));
		assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<ClientService.ClientWithSecret> second = CompletableFuture
			.supplyAsync(() -> this.clients.register(registration));
		awaitAStatementWaitingOnALock();
		commit.countDown();
		first.get(10, TimeUnit.SECONDS);

		assertThat(second).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(AlreadyExistsException.class);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM oauth_clients WHERE client_id = ?", Integer.class,
				clientId))
			.isEqualTo(1);
	}

	/**
	 * A change made while the secret is being regenerated (the answer to a leak) waits
	 * for it and keeps the new secret: it used to read the client before the regeneration
	 * committed and write the old, leaked secret back.
	 */
	@Test
	void updateWhenSecretRegeneratedMeanwhileThenTheNewSecretStays() throws Exception {
		String clientId = "regenerated-" + UUID.randomUUID().toString().substring(0, 8);
		this.clients.register(change(clientId, "client_secret_basic", null));
		CountDownLatch regenerated = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<String> secret = CompletableFuture.supplyAsync(() -> this.transactions.execute((tx) -> {
			String fresh = this.clients.regenerateSecret(clientId).clientSecret();
			regenerated.countDown();
			await(commit);
			return fresh;
		}));
		assertThat(regenerated.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<OAuthClient> renamed = CompletableFuture
			.supplyAsync(() -> this.clients.update(clientId, change(clientId, null, null)));
		awaitAStatementWaitingOnALock();
		commit.countDown();
		renamed.get(10, TimeUnit.SECONDS);

		assertThat(this.jdbc.queryForObject("SELECT client_secret_hash FROM oauth_clients WHERE client_id = ?",
				String.class, clientId))
			.isEqualTo(dev.lanyard.server.token.TokenHash.of(secret.get(10, TimeUnit.SECONDS)));
	}

	/** Until another statement of this database waits on a lock. */
	private void awaitAStatementWaitingOnALock() throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			Integer waiting = this.jdbc.queryForObject(
					"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
					Integer.class);
			if (waiting != null && waiting > 0) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no statement waited on a lock");
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * OA-54: a private_key_jwt client has no secret; moving a client to it drops its
	 * secret, moving it back leaves none until one is generated; a change that names no
	 * method keeps the method and keys; importing the same keys twice changes nothing.
	 */
	@Test
	void privateKeyJwtWhenClientMovesBetweenMethodsThenSecretDroppedAndKeysKept() throws Exception {
		String clientId = "moving-" + UUID.randomUUID().toString().substring(0, 8);
		String keys = new JWKSet(new RSAKeyGenerator(2048).keyID("k").generate().toPublicJWK()).toString();
		ClientService.ClientWithSecret registered = this.clients.register(change(clientId, "client_secret_post", null));
		assertThat(registered.clientSecret()).isNotNull();
		assertThat(registered.client().clientSecretHash()).isNotNull();

		OAuthClient signed = this.clients.update(clientId, change(clientId, "private_key_jwt", keys));
		assertThat(signed.clientSecretHash()).isNull();
		assertThat(signed.jwks()).isEqualTo(keys);
		assertThatThrownBy(() -> this.clients.regenerateSecret(clientId)).isInstanceOf(InputRejectedException.class);

		OAuthClient unnamed = this.clients.update(clientId, change(clientId, null, null));
		assertThat(unnamed.tokenEndpointAuthMethod()).isEqualTo("private_key_jwt");
		assertThat(unnamed.jwks()).isEqualTo(keys);

		OAuthClient secretAgain = this.clients.update(clientId, change(clientId, "client_secret_basic", null));
		assertThat(secretAgain.clientSecretHash()).isNull();
		assertThat(secretAgain.jwks()).isNull();
		assertThat(this.clients.regenerateSecret(clientId).clientSecret()).isNotNull();

		String imported = "imported-" + UUID.randomUUID().toString().substring(0, 8);
		// Written by hand, members in another order and spaced: stored once, the same.
		JWK key = JWKSet.parse(keys).getKeys().get(0);
		String byHand = "{ \"keys\": [ { \"e\": \"" + ((RSAKey) key).getPublicExponent() + "\", \"kid\": \"k\", "
				+ "\"n\": \"" + ((RSAKey) key).getModulus() + "\", \"kty\": \"RSA\" } ] }";
		assertThat(this.clients.importClient(change(imported, "private_key_jwt", byHand)))
			.isEqualTo(ImportOutcome.CREATED);
		assertThat(this.clients.importClient(change(imported, "private_key_jwt", keys)))
			.isEqualTo(ImportOutcome.UNCHANGED);
	}

	private static ClientRegistration change(String clientId, String method, String jwks) {
		return new ClientRegistration(clientId, null, false, null, method, jwks, null, List.of(), List.of(),
				Set.of("client_credentials"), Set.of(), null, null, null, null, null, List.of(), false, null, null,
				null, null, null);
	}

}
