package dev.lanyard.server.authorization;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

import dev.lanyard.server.DeletesPerStatement;
import dev.lanyard.server.GenericPlans;
import dev.lanyard.server.RepositorySliceTest;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestClock;
import dev.lanyard.server.authorization.JdbcAuthorizationRows.Previous;
import dev.lanyard.server.authorization.JdbcAuthorizationRows.Selector;
import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.lanyard.server.authorization.TestStoredAuthorizations.INVALIDATED;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.METADATA;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.from;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.grant;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.hash;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.revoked;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The grant rows and the tables beside them, as {@link JdbcAuthorizationRows} writes and
 * reads them: what the authorization service and the revocations rely on.
 */
@RepositorySliceTest
class JdbcAuthorizationRowsTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant CREATED = Instant.parse("2025-05-06T07:08:09.123456Z");

	@Autowired
	private JdbcAuthorizationRows rows;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private TestClock clock;

	@Autowired
	private PlatformTransactionManager transactionManager;

	private Instant now;

	@BeforeEach
	void stopClock() {
		this.now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		this.clock.set(this.now);
	}

	@AfterEach
	void restartClock() {
		this.clock.reset();
	}

	/**
	 * A client's own grant stays written only while the client has the credentials it
	 * authenticated with; the other rows of the batch are kept.
	 */
	@Test
	void insertAllWhenAClientsCredentialsChangedThenOnlyItsGrantIsTakenOut() {
		String clientId = "credentials-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		this.jdbc.sql("""
				INSERT INTO oauth_clients (id, client_id, client_name, client_secret_hash, token_endpoint_auth_method)
				VALUES (?, ?, 'Credentials', 'new-hash', 'client_secret_basic')""").params(clientId, clientId).update();
		CredentialsAuthenticatedWith current = new CredentialsAuthenticatedWith(clientId, "new-hash",
				"client_secret_basic", null, null);
		CredentialsAuthenticatedWith old = new CredentialsAuthenticatedWith(clientId, "old-hash", "client_secret_basic",
				null, null);
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);

		boolean[] written = transaction.execute((status) -> this.rows
			.insertAll(List.of(new JdbcAuthorizationRows.NewRow(grant(CREATED).id(clientId + "-user").build(), null),
					new JdbcAuthorizationRows.NewRow(grant(CREATED).id(clientId + "-old").build(), old),
					new JdbcAuthorizationRows.NewRow(grant(CREATED).id(clientId + "-current").build(), current))));

		assertThat(written).containsExactly(true, false, true);
		assertThat(this.jdbc.sql("SELECT id FROM oauth_authorizations WHERE id LIKE ? ORDER BY id")
			.param(clientId + "-%")
			.query(String.class)
			.list()).containsExactly(clientId + "-current", clientId + "-user");
		this.jdbc.sql("UPDATE oauth_clients SET enabled = false WHERE id = ?").param(clientId).update();
		Boolean disabledWritten = transaction.execute((status) -> this.rows
			.insert(new JdbcAuthorizationRows.NewRow(grant(CREATED).id(clientId + "-disabled").build(), current)));
		assertThat(disabledWritten).as("a client disabled meanwhile").isFalse();
	}

	@Test
	void findByIdWhenInsertedThenEveryColumnAsWritten() {
		StoredAuthorization written = grant(CREATED).id("grant-1")
			.client("client-7")
			.principal("user-7")
			.grantType("authorization_code")
			.scopes("openid profile orders:read")
			.attributes("""
					{"java.security.Principal": {"name": "user-7", "authorities": ["ROLE_USER"]},
					 "nested": {"n": 1.5, "t": true, "nil": null, "text": "ünï \\"q\\""}}""")
			.session("sid-7")
			.state("state-7")
			.code(new StoredToken(hash("code-7"), CREATED, CREATED.plusSeconds(300), INVALIDATED))
			.accessToken(new StoredToken(hash("access-7"), CREATED.plusSeconds(1), CREATED.plusSeconds(901), """
					{"metadata.token.invalidated": false,
					 "metadata.token.claims": {"sub": "user-7", "aud": ["client-7"], "iat": 1746515290}}"""))
			.accessTokenScopes("openid orders:read")
			.refreshToken(
					new StoredToken(hash("refresh-7"), CREATED.plusSeconds(1), CREATED.plusSeconds(86400), METADATA))
			.idToken(new StoredToken(hash("id-7"), CREATED.plusSeconds(1), null, null))
			.version(3)
			.build();
		// Instants do not depend on the session's time zone (rolled back with the test).
		this.jdbc.sql("SET LOCAL TIME ZONE 'Asia/Kathmandu'").update();
		this.rows.insert(written);

		assertSameRow(this.rows.findById("grant-1").orElseThrow(), written);
		assertThat(this.jdbc.sql("SELECT attributes #>> '{nested,n}' FROM oauth_authorizations")
			.query(String.class)
			.single()).as("stored as a JSON object, not a string").isEqualTo("1.5");
	}

	@Test
	void findByIdWhenNoTokensSessionOrStateThenNulls() {
		StoredAuthorization written = grant(CREATED).scopes(null).build();
		this.rows.insert(written);

		StoredAuthorization read = this.rows.findById(written.id()).orElseThrow();
		assertSameRow(read, written);
		assertThat(read.code()).isNull();
		assertThat(read.accessToken()).isNull();
		assertThat(read.refreshToken()).isNull();
		assertThat(read.idToken()).isNull();
		assertThat(read.sessionId()).isNull();
		assertThat(read.stateHash()).isNull();
		assertThat(read.authorizedScopes()).isNull();
		assertThat(read.accessTokenScopes()).isNull();
	}

	@Test
	void findByHashWhenEachKindThenFoundByItsOwnColumnOnly() {
		StoredAuthorization written = grant(CREATED).state("state")
			.code(token("code", minutes(5)))
			.accessToken(token("access", minutes(15)))
			.refreshToken(token("refresh", minutes(60)))
			.idToken(token("id", minutes(15)))
			.build();
		this.rows.insert(written);
		this.rows.insert(grant(CREATED).accessToken(token("another", minutes(15))).build());

		assertThat(this.rows.findByHash(TokenKind.STATE, hash("state"))).map(StoredAuthorization::id)
			.hasValue(written.id());
		assertThat(this.rows.findByHash(TokenKind.CODE, hash("code"))).map(StoredAuthorization::id)
			.hasValue(written.id());
		assertThat(this.rows.findByHash(TokenKind.ACCESS_TOKEN, hash("access"))).map(StoredAuthorization::id)
			.hasValue(written.id());
		assertThat(this.rows.findByHash(TokenKind.REFRESH_TOKEN, hash("refresh"))).map(StoredAuthorization::id)
			.hasValue(written.id());
		assertThat(this.rows.findByHash(TokenKind.ID_TOKEN, hash("id"))).map(StoredAuthorization::id)
			.hasValue(written.id());
		assertThat(this.rows.findByHash(TokenKind.ACCESS_TOKEN, hash("refresh"))).isEmpty();
		assertThat(this.rows.findByHash(TokenKind.REFRESH_TOKEN, hash("access"))).isEmpty();
		assertThat(this.rows.findByHash(TokenKind.CODE, hash("state"))).isEmpty();
		assertThat(this.rows.findByHash(TokenKind.STATE, hash("code"))).isEmpty();
		assertThat(this.rows.findByHash(TokenKind.ACCESS_TOKEN, "access")).as("never by the clear value").isEmpty();
	}

	@Test
	void findByAnyHashWhenTokenOfAnyKindThenFoundButNeverByState() {
		StoredAuthorization written = grant(CREATED).state("state")
			.code(token("code", minutes(5)))
			.accessToken(token("access", minutes(15)))
			.refreshToken(token("refresh", minutes(60)))
			.idToken(token("id", minutes(15)))
			.build();
		this.rows.insert(written);

		for (String value : List.of("code", "access", "refresh", "id")) {
			assertThat(this.rows.findByAnyHash(hash(value))).as(value)
				.map(StoredAuthorization::id)
				.hasValue(written.id());
		}
		assertThat(this.rows.findByAnyHash(hash("state"))).isEmpty();
		assertThat(this.rows.findByAnyHash(hash("unknown"))).isEmpty();
	}

	@Test
	void insertWhenTokenHashHeldByAnotherGrantThenDuplicateKey() {
		this.rows.insert(grant(CREATED).accessToken(token("access", minutes(15))).build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.rows.insert(grant(CREATED).accessToken(token("access", minutes(15))).build()));
	}

	@Test
	void updateWhenVersionMatchesThenRowWrittenAndReplacedTokensRemembered() {
		StoredAuthorization v0 = grant(CREATED).state("state")
			.accessToken(token("access-1", minutes(10)))
			.refreshToken(token("refresh-1", minutes(600)))
			.build();
		this.rows.insert(v0);
		StoredAuthorization v1 = from(v0).version(1)
			.state(null)
			.principal("user-renamed")
			.scopes("openid")
			.accessToken(token("access-2", minutes(20)))
			.refreshToken(token("refresh-2", minutes(600)))
			.idToken(token("id-2", minutes(20)))
			.build();

		assertThat(this.rows.update(v1, 0)).hasValue(new Previous(hash("access-1"), false));

		StoredAuthorization read = this.rows.findById(v0.id()).orElseThrow();
		assertSameRow(read, v1);
		assertThat(this.rows.findByHash(TokenKind.STATE, hash("state"))).isEmpty();
		assertThat(this.rows.findByHash(TokenKind.ACCESS_TOKEN, hash("access-1"))).isEmpty();
		assertThat(this.rows.replacedAccessTokens(List.of(v0.id()))).containsExactly(hash("access-1"));
		assertThat(this.jdbc.sql("SELECT expires_at FROM oauth_replaced_access_tokens")
			.query(Timestamp.class)
			.single()
			.toInstant()).isEqualTo(minutes(10));
		assertThat(this.rows.grantOfRotatedRefreshToken(hash("refresh-1"))).hasValue(v0.id());
		assertThat(this.rows.grantOfRotatedRefreshToken(hash("refresh-2"))).isEmpty();
	}

	@Test
	void updateWhenVersionStaleThenNothingChangedAndEmpty() {
		StoredAuthorization v0 = grant(CREATED).accessToken(token("access-1", minutes(10)))
			.refreshToken(token("refresh-1", minutes(600)))
			.build();
		this.rows.insert(v0);
		StoredAuthorization first = from(v0).version(1)
			.accessToken(token("access-2", minutes(10)))
			.refreshToken(token("refresh-2", minutes(600)))
			.build();
		StoredAuthorization second = from(v0).version(1)
			.accessToken(token("access-3", minutes(10)))
			.refreshToken(token("refresh-3", minutes(600)))
			.build();

		assertThat(this.rows.update(first, 0)).isPresent();
		assertThat(this.rows.update(second, 0)).as("a second use of the same version").isEmpty();

		assertSameRow(this.rows.findById(v0.id()).orElseThrow(), first);
		assertThat(this.rows.replacedAccessTokens(List.of(v0.id()))).containsExactly(hash("access-1"));
		assertThat(this.rows.grantOfRotatedRefreshToken(hash("refresh-2"))).isEmpty();
		assertThat(this.rows.update(from(second).version(5).build(), 4)).as("a version never read").isEmpty();
		assertThat(this.rows.findById(v0.id()).orElseThrow().version()).isEqualTo(1);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void updateWhenTwoTransactionsUseTheSameVersionThenOnlyTheFirstWrites() throws Exception {
		StoredAuthorization v0 = grant(CREATED).code(token("code", minutes(5))).build();
		this.rows.insert(v0);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			StoredAuthorization first = from(v0).version(1)
				.code(revoked("code", minutes(5)))
				.accessToken(token("access-first", minutes(10)))
				.build();
			StoredAuthorization second = from(v0).version(1)
				.code(revoked("code", minutes(5)))
				.accessToken(token("access-second", minutes(10)))
				.build();
			TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
			CountDownLatch updated = new CountDownLatch(1);
			CountDownLatch commit = new CountDownLatch(1);
			Future<Optional<Previous>> firstUpdate = threads.submit(() -> transaction.execute((status) -> {
				Optional<Previous> previous = this.rows.update(first, 0);
				updated.countDown();
				awaitLatch(commit);
				return previous;
			}));
			awaitLatch(updated);
			Future<Optional<Previous>> secondUpdate = threads
				.submit(() -> transaction.execute((status) -> this.rows.update(second, 0)));
			try {
				await().atMost(Duration.ofSeconds(5)).until(() -> waitingOnLocks() == 1);
			}
			finally {
				commit.countDown();
			}

			assertThat(firstUpdate.get(5, TimeUnit.SECONDS)).hasValue(new Previous(null, false));
			assertThat(secondUpdate.get(5, TimeUnit.SECONDS)).as("the code was redeemed meanwhile").isEmpty();
			assertSameRow(this.rows.findById(v0.id()).orElseThrow(), first);
		}
		finally {
			threads.shutdownNow();
			this.rows.delete(v0.id());
		}
	}

	@Test
	void updateWhenRowRemovedThenEmpty() {
		StoredAuthorization never = grant(CREATED).accessToken(token("access", minutes(10))).build();

		assertThat(this.rows.update(from(never).version(1).build(), 0)).isEmpty();
		assertThat(this.rows.findById(never.id())).isEmpty();
	}

	@Test
	void updateWhenTokensUnchangedThenNothingRemembered() {
		StoredAuthorization v0 = grant(CREATED).code(token("code", minutes(5)))
			.accessToken(token("access", minutes(10)))
			.refreshToken(token("refresh", minutes(600)))
			.build();
		this.rows.insert(v0);

		StoredAuthorization v1 = from(v0).version(1).code(revoked("code", minutes(5))).build();
		assertThat(this.rows.update(v1, 0)).hasValue(new Previous(hash("access"), false));

		assertThat(this.rows.replacedAccessTokens(List.of(v0.id()))).isEmpty();
		assertThat(this.rows.grantOfRotatedRefreshToken(hash("refresh"))).isEmpty();
		assertThat(this.rows.findById(v0.id()).orElseThrow().code().metadata()).isEqualTo(INVALIDATED);
	}

	@Test
	void updateWhenReplacedAccessTokenExpiredOrRevokedThenSaysSoAndForgetsExpired() {
		StoredAuthorization expired = grant(CREATED).accessToken(token("expired", this.now)).build();
		StoredAuthorization revokedAccess = grant(CREATED).accessToken(revoked("revoked", minutes(10))).build();
		this.rows.insert(expired);
		this.rows.insert(revokedAccess);

		assertThat(this.rows.update(from(expired).version(1).accessToken(token("new-1", minutes(10))).build(), 0))
			.hasValue(new Previous(hash("expired"), false));
		assertThat(this.rows.update(from(revokedAccess).version(1).accessToken(token("new-2", minutes(10))).build(), 0))
			.hasValue(new Previous(hash("revoked"), true));

		assertThat(this.rows.replacedAccessTokens(List.of(expired.id(), revokedAccess.id())))
			.as("an expired token needs no revoking; a revoked one that has not expired still does")
			.containsExactly(hash("revoked"));
	}

	@Test
	void updateWhenRefreshTokenRemovedThenRememberedAsRotatedAway() {
		StoredAuthorization v0 = grant(CREATED).accessToken(token("access", minutes(10)))
			.refreshToken(token("refresh", minutes(600)))
			.build();
		this.rows.insert(v0);

		this.rows.update(from(v0).version(1).refreshToken(null).build(), 0);

		assertThat(this.rows.grantOfRotatedRefreshToken(hash("refresh"))).hasValue(v0.id());
		assertThat(this.rows.findById(v0.id()).orElseThrow().refreshToken()).isNull();
	}

	@Test
	void deleteWhenGrantDeletedThenItsRotatedAndReplacedTokensGoToo() {
		StoredAuthorization v0 = grant(CREATED).accessToken(token("access-1", minutes(10)))
			.refreshToken(token("refresh-1", minutes(600)))
			.build();
		StoredAuthorization other = grant(CREATED).accessToken(token("other", minutes(10))).build();
		this.rows.insert(v0);
		this.rows.insert(other);
		this.rows.update(from(v0).version(1)
			.accessToken(token("access-2", minutes(10)))
			.refreshToken(token("refresh-2", minutes(600)))
			.build(), 0);

		this.rows.delete(v0.id());

		assertThat(this.rows.findById(v0.id())).isEmpty();
		assertThat(this.rows.findById(other.id())).isPresent();
		assertThat(this.rows.grantOfRotatedRefreshToken(hash("refresh-1"))).isEmpty();
		assertThat(count("oauth_replaced_access_tokens")).isZero();
		assertThat(count("oauth_rotated_refresh_tokens")).isZero();
	}

	/** An unlink's grants: the person's, through that provider, live. */
	@org.junit.jupiter.api.Test
	void liveThroughIdentityProviderWhenAskedForOnePersonThenOnlyTheirsThroughIt() {
		StoredAuthorization through = grant(CREATED).principal("user-a")
			.attributes("{\"java.security.Principal\":{\"idp\":\"corp\"}}")
			.accessToken(token("access-1", minutes(10)))
			.build();
		StoredAuthorization elsewhere = grant(CREATED).principal("user-a")
			.attributes("{\"java.security.Principal\":{\"idp\":\"partner\"}}")
			.accessToken(token("access-2", minutes(10)))
			.build();
		StoredAuthorization someoneElse = grant(CREATED).principal("user-b")
			.attributes("{\"java.security.Principal\":{\"idp\":\"corp\"}}")
			.accessToken(token("access-3", minutes(10)))
			.build();
		StoredAuthorization expired = grant(CREATED).principal("user-a")
			.attributes("{\"java.security.Principal\":{\"idp\":\"corp\"}}")
			.accessToken(token("access-4", minutes(-10)))
			.build();
		for (StoredAuthorization row : new StoredAuthorization[] { through, elsewhere, someoneElse, expired }) {
			this.rows.insert(row);
		}

		assertThat(this.rows.liveThroughIdentityProvider("corp", "user-a")).containsExactly(through.id());
	}

	@ParameterizedTest
	@EnumSource(Selector.class)
	void invalidateLiveWhenSelectedThenOnlyMatchingGrantsRevoked(Selector selector) {
		StoredAuthorization target = grant(CREATED).client("client-a")
			.principal("user-a")
			.session("sid-a")
			.attributes("{\"java.security.Principal\":{\"idp\":\"corp\"}}")
			.accessToken(token("access-a", minutes(10)))
			.build();
		StoredAuthorization other = grant(CREATED).client("client-b")
			.principal("user-b")
			.session("sid-b")
			.attributes("{\"java.security.Principal\":{\"idp\":\"partner\"}}")
			.accessToken(token("access-b", minutes(10)))
			.build();
		this.rows.insert(target);
		this.rows.insert(other);
		String value = switch (selector) {
			case SESSION -> "sid-a";
			case PRINCIPAL -> "user-a";
			case CLIENT -> "client-a";
			case ID -> target.id();
			case IDENTITY_PROVIDER -> "corp";
		};

		assertThat(this.rows.invalidateLive(selector, value)).extracting(StoredAuthorization::id)
			.containsExactly(target.id());

		assertThat(invalidated(this.rows.findById(target.id()).orElseThrow().accessToken())).isTrue();
		StoredAuthorization untouched = this.rows.findById(other.id()).orElseThrow();
		assertThat(invalidated(untouched.accessToken())).isFalse();
		assertThat(untouched.version()).isZero();
	}

	@Test
	void invalidateLiveWhenGrantsLiveDeadOrRevokedThenOnlyLiveOnesRevoked() {
		List<String> live = List.of(
				insert(grant(CREATED).accessToken(token("a1", minutes(10))).refreshToken(token("r1", minutes(600)))),
				insert(grant(CREATED).accessToken(token("a2", minutes(-10))).refreshToken(token("r2", minutes(600)))),
				insert(grant(CREATED).accessToken(token("a3", minutes(-10)))
					.refreshToken(new StoredToken(hash("r3"), CREATED, null, METADATA))),
				insert(grant(CREATED).code(token("c4", minutes(5)))),
				insert(grant(CREATED).accessToken(revoked("a5", minutes(10))).refreshToken(token("r5", minutes(600)))),
				// Expired 30 s ago by this node's clock: another node's, behind, may
				// still
				// take it (JdbcAuthorizationRows.CLOCK_TOLERANCE).
				insert(grant(CREATED).accessToken(token("a12", minutes(-10)))
					.refreshToken(token("r12", this.now.minusSeconds(30)))));
		List<String> dead = List.of(
				insert(grant(CREATED).accessToken(token("a6", minutes(-10))).refreshToken(token("r6", minutes(-2)))),
				insert(grant(CREATED).accessToken(token("a7", minutes(-2))).refreshToken(token("r7", minutes(-2)))),
				insert(grant(CREATED).accessToken(revoked("a8", minutes(10)))
					.refreshToken(revoked("r8", minutes(600)))),
				insert(grant(CREATED).code(revoked("c9", minutes(5))).accessToken(token("a9", minutes(-2)))),
				insert(grant(CREATED).idToken(token("i10", minutes(10)))), insert(grant(CREATED).state("state-11")));

		assertThat(this.rows.invalidateLive(Selector.PRINCIPAL, "user-1")).extracting(StoredAuthorization::id)
			.containsExactlyInAnyOrderElementsOf(live);

		assertThat(live).allSatisfy((id) -> assertThat(this.rows.findById(id).orElseThrow().version()).isEqualTo(1));
		assertThat(dead).allSatisfy((id) -> assertThat(this.rows.findById(id).orElseThrow().version()).isZero());
		assertThat(this.rows.invalidateLive(Selector.PRINCIPAL, "user-1")).as("nothing left to revoke").isEmpty();
	}

	@Test
	void invalidateLiveWhenRevokedThenEveryPresentTokenMarkedOtherMetadataKept() {
		StoredAuthorization written = grant(CREATED).version(4)
			.code(new StoredToken(hash("code"), CREATED, minutes(5),
					"{\"metadata.token.invalidated\": true, \"x\": 1}"))
			.accessToken(new StoredToken(hash("access"), CREATED, minutes(10),
					"{\"metadata.token.invalidated\": false, \"metadata.token.claims\": {\"sub\": \"user-1\"}}"))
			.refreshToken(new StoredToken(hash("refresh"), CREATED, minutes(600), null))
			.idToken(new StoredToken(hash("id"), CREATED, minutes(10), "{\"metadata.token.claims\": {\"sid\": \"s\"}}"))
			.build();
		this.rows.insert(written);
		this.jdbc.sql("UPDATE oauth_authorizations SET updated_at = '2020-01-01T00:00:00Z'").update();

		List<StoredAuthorization> revoked = this.rows.invalidateLive(Selector.ID, written.id());

		StoredAuthorization stored = this.rows.findById(written.id()).orElseThrow();
		assertThat(revoked).singleElement().satisfies((row) -> assertSameRow(row, stored));
		assertThat(stored.version()).isEqualTo(5);
		assertJson(stored.code().metadata(), "{\"metadata.token.invalidated\": true, \"x\": 1}");
		assertJson(stored.accessToken().metadata(),
				"{\"metadata.token.invalidated\": true, \"metadata.token.claims\": {\"sub\": \"user-1\"}}");
		assertJson(stored.refreshToken().metadata(), INVALIDATED);
		assertJson(stored.idToken().metadata(), "{\"metadata.token.claims\": {\"sid\": \"s\"}}");
		assertThat(this.jdbc.sql("SELECT updated_at = now() FROM oauth_authorizations").query(Boolean.class).single())
			.as("a revocation is a change")
			.isTrue();
	}

	@Test
	void replacedAccessTokensWhenAskedForGrantsThenTheirUnexpiredReplacedTokens() {
		StoredAuthorization g1 = grant(CREATED).accessToken(token("g1-a1", minutes(10))).build();
		StoredAuthorization g2 = grant(CREATED).accessToken(token("g2-a1", minutes(30))).build();
		StoredAuthorization g3 = grant(CREATED).accessToken(token("g3-a1", minutes(30))).build();
		this.rows.insert(g1);
		this.rows.insert(g2);
		this.rows.insert(g3);
		StoredAuthorization g1v1 = from(g1).version(1).accessToken(token("g1-a2", minutes(20))).build();
		this.rows.update(g1v1, 0);
		this.rows.update(from(g1v1).version(2).accessToken(token("g1-a3", minutes(30))).build(), 1);
		this.rows.update(from(g2).version(1).accessToken(token("g2-a2", minutes(40))).build(), 0);
		this.rows.update(from(g3).version(1).accessToken(token("g3-a2", minutes(40))).build(), 0);

		assertThat(this.rows.replacedAccessTokens(List.of(g1.id()))).containsExactlyInAnyOrder(hash("g1-a1"),
				hash("g1-a2"));
		assertThat(this.rows.replacedAccessTokens(List.of(g1.id(), g2.id()))).containsExactlyInAnyOrder(hash("g1-a1"),
				hash("g1-a2"), hash("g2-a1"));
		assertThat(this.rows.replacedAccessTokens(List.of())).isEmpty();
		this.clock.set(minutes(15));
		assertThat(this.rows.replacedAccessTokens(List.of(g1.id()))).containsExactly(hash("g1-a2"));
	}

	@Test
	void purgeDeadWhenGrantsDeadLongEnoughThenOnlyThoseDeleted() {
		Duration retention = Duration.ofDays(7);
		List<String> purged = List.of(
				insert(grant(CREATED).accessToken(token("a1", minutes(60))).refreshToken(token("r1", days(1)))),
				insert(grant(CREATED).accessToken(revoked("a2", days(2))).refreshToken(revoked("r2", days(2)))),
				insert(grant(CREATED).code(token("c3", minutes(5)))),
				insert(grant(CREATED).state("consent-never-given")));
		List<String> kept = List.of(insert(grant(CREATED).accessToken(revoked("a4", days(25)))),
				insert(grant(CREATED).refreshToken(token("r5", days(40)))),
				insert(grant(CREATED).refreshToken(new StoredToken(hash("r6"), CREATED, null, METADATA))),
				insert(grant(CREATED).accessToken(token("a7", days(1)))));
		this.jdbc.sql("UPDATE oauth_authorizations SET updated_at = ? WHERE id = ?")
			.params(Timestamp.from(days(29)), kept.get(3))
			.update();
		StoredAuthorization replacing = grant(CREATED).accessToken(token("x1", minutes(60))).build();
		this.rows.insert(replacing);
		StoredAuthorization replacing1 = from(replacing).version(1).accessToken(token("x2", days(31))).build();
		this.rows.update(replacing1, 0);
		this.rows.update(from(replacing1).version(2).accessToken(token("x3", days(40))).build(), 1);
		this.clock.set(days(30));

		assertThat(this.rows.purgeDead(retention)).isEqualTo(purged.size());

		assertThat(purged).allSatisfy((id) -> assertThat(this.rows.findById(id)).isEmpty());
		assertThat(kept).allSatisfy((id) -> assertThat(this.rows.findById(id)).isPresent());
		assertThat(this.rows.findById(replacing.id())).isPresent();
		assertThat(this.jdbc.sql("SELECT token_hash FROM oauth_replaced_access_tokens").query(String.class).list())
			.as("expired replaced tokens are forgotten")
			.containsExactly(hash("x2"));
	}

	/**
	 * RFC 8628: a device's request the person never answered lives while its device code
	 * does, and goes like any dead grant after; device and user codes are found by their
	 * hashes and round-trip.
	 */
	@Test
	void deviceCodesWhenStoredThenFoundByHashAndPurgedOnlyAfterTheyExpire() {
		String unanswered = insert(
				grant(CREATED).deviceCode(token("d1", minutes(5))).userCode(token("u1", minutes(5))));
		String waiting = insert(grant(CREATED).deviceCode(token("d2", days(30).plusSeconds(60)))
			.userCode(token("u2", days(30).plusSeconds(60))));
		assertThat(this.rows.findByHash(TokenKind.DEVICE_CODE, hash("d2")).map(StoredAuthorization::id))
			.contains(waiting);
		assertThat(this.rows.findByHash(TokenKind.USER_CODE, hash("u2")).map(StoredAuthorization::userCode))
			.contains(token("u2", days(30).plusSeconds(60)));
		this.clock.set(days(30));

		assertThat(this.rows.purgeDead(Duration.ofDays(7))).isEqualTo(1);
		assertThat(this.rows.findById(unanswered)).isEmpty();
		assertThat(this.rows.findById(waiting)).isPresent();
	}

	@Test
	void purgeDeadWhenMoreThanOneBatchThenAllDeletedAndCounted() {
		this.jdbc.sql("""
				INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type, created_at)
				SELECT 'bulk-' || n, 'client-1', 'user-1', 'client_credentials', :created
				FROM generate_series(1, 5001) n""").param("created", Timestamp.from(CREATED)).update();
		this.rows.insert(grant(CREATED).refreshToken(token("live", days(60))).build());
		this.clock.set(days(30));

		assertThat(this.rows.purgeDead(Duration.ofDays(7))).isEqualTo(5001);
		assertThat(count("oauth_authorizations")).isEqualTo(1);
	}

	/**
	 * A grant refreshed every few minutes for weeks rotated thousands of refresh tokens
	 * away: they go in statements of their own, not as one cascade that outlasts the
	 * connection's read timeout.
	 */
	@Test
	void purgeDeadWhenAGrantRotatedManyRefreshTokensThenTheyGoInStatementsOfABatchEach() {
		String dead = insert(grant(CREATED).refreshToken(token("r-now", days(1))));
		this.jdbc.sql("""
				INSERT INTO oauth_rotated_refresh_tokens (token_hash, authorization_id)
				SELECT 'rotated-' || n, :id FROM generate_series(1, 2500) n""").param("id", dead).update();
		String live = insert(grant(CREATED).refreshToken(token("r-live", days(60))));
		this.jdbc.sql("INSERT INTO oauth_rotated_refresh_tokens (token_hash, authorization_id) VALUES ('kept', ?)")
			.param(live)
			.update();
		DeletesPerStatement deletes = DeletesPerStatement.on(this.jdbc, "oauth_rotated_refresh_tokens");
		this.clock.set(days(30));

		assertThat(this.rows.purgeDead(Duration.ofDays(7))).isEqualTo(1);

		// The grant's own delete then cascades to none.
		assertThat(deletes.counts("oauth_rotated_refresh_tokens")).containsExactly(1000L, 1000L, 500L, 0L);
		assertThat(this.rows.findById(dead)).isEmpty();
		assertThat(this.jdbc.sql("SELECT token_hash FROM oauth_rotated_refresh_tokens").query(String.class).list())
			.containsExactly("kept");
	}

	private String insert(TestStoredAuthorizations.Builder grant) {
		StoredAuthorization stored = grant.build();
		this.rows.insert(stored);
		return stored.id();
	}

	private Instant minutes(long minutes) {
		return this.now.plus(Duration.ofMinutes(minutes));
	}

	private Instant days(long days) {
		return this.now.plus(Duration.ofDays(days));
	}

	/** Connections of this database waiting for a lock another holds. */
	private long waitingOnLocks() {
		return this.jdbc
			.sql("""
					SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'""")
			.query(Long.class)
			.single();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private long count(String table) {
		return this.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	private static boolean invalidated(StoredToken token) {
		return JSON.readTree(token.metadata()).path("metadata.token.invalidated").asBoolean();
	}

	private static void assertJson(String actual, String expected) {
		assertThat(JSON.readTree(actual)).isEqualTo(JSON.readTree(expected));
	}

	/**
	 * Same row, JSON compared as JSON (PostgreSQL's jsonb keeps no key order or spacing).
	 */
	private static void assertSameRow(StoredAuthorization actual, StoredAuthorization expected) {
		BiPredicate<String, String> sameJson = (a, b) -> (a == null || b == null) ? Objects.equals(a, b)
				: JSON.readTree(a).equals(JSON.readTree(b));
		assertThat(actual).usingRecursiveComparison()
			.withEqualsForFields(sameJson, "attributes", "code.metadata", "accessToken.metadata",
					"refreshToken.metadata", "idToken.metadata")
			.isEqualTo(expected);
	}

	/**
	 * A version update finds its row by primary key on both sides of its join, whatever
	 * plan PostgreSQL keeps for a connection: one made while the table was new (never
	 * analyzed, taken for ten pages) read the table sequentially and joined every grant
	 * to the locked row, so each code redemption cost ~0.4 s of PostgreSQL CPU once the
	 * table held 140,000 grants (seen in bench/run.sh with autovacuum off, as on this
	 * build's machines).
	 */
	@Test
	void updateWhenPlannedOnANewTableThenItsRowFoundByPrimaryKey() throws SQLException {
		ParsedSql parsed = NamedParameterUtils.parseSqlStatement(JdbcAuthorizationRows.UPDATE);
		String positional = NamedParameterUtils.substituteNamedParameters(parsed, new MapSqlParameterSource());
		StringBuilder numbered = new StringBuilder();
		int parameters = 0;
		for (char c : positional.toCharArray()) {
			if (c == '?') {
				numbered.append('$').append(++parameters);
			}
			else {
				numbered.append(c);
			}
		}
		String plan;
		try (GenericPlans plans = new GenericPlans()) {
			plan = plans.of(numbered.toString(), Collections.nCopies(parameters, "unknown"));
		}
		assertThat(plan).as(plan)
			.contains("oauth_authorizations_pkey on oauth_authorizations a")
			.doesNotContain("Seq Scan");
	}

}
