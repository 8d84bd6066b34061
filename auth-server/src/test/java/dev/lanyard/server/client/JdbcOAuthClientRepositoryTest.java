package dev.lanyard.server.client;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Registered clients as {@link JdbcOAuthClientRepository} stores and finds them. */
@RepositorySliceTest
class JdbcOAuthClientRepositoryTest {

	private static final Instant BACKDATED = Instant.parse("2024-01-01T00:00:00Z");

	@Autowired
	private JdbcOAuthClientRepository clients;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void findByClientIdWhenInsertedThenEveryFieldAsWritten() {
		OAuthClient written = TestOAuthClients.confidential("billing")
			.name("Billing – Ünïcode")
			.redirectUris("https://billing.example.com/b", "https://billing.example.com/a",
					"https://billing.example.com/cb?tenant=x,y")
			.postLogoutRedirectUris("https://billing.example.com/bye")
			.grantTypes("authorization_code", "refresh_token", "client_credentials",
					"urn:ietf:params:oauth:grant-type:token-exchange")
			.scopes("openid", "invoices:read", "invoices:write")
			.requirePkce(false)
			.requireConsent(true)
			.tokenLifetimes(Duration.ofSeconds(61), Duration.ofSeconds(3601), Duration.ofSeconds(86401))
			.exchangeAudiences("orders", "invoices")
			.introspectionAllowed(true)
			.dpopBoundAccessTokens(true)
			.enabled(false)
			.build();
		this.clients.insert(written);

		OAuthClient read = this.clients.findByClientId("billing").orElseThrow();
		assertThat(read.id()).isEqualTo(written.id());
		assertThat(read.clientId()).isEqualTo("billing");
		assertThat(read.clientName()).isEqualTo("Billing – Ünïcode");
		assertThat(read.clientSecretHash()).isEqualTo(written.clientSecretHash()).isNotNull();
		assertThat(read.clientIdIssuedAt()).isEqualTo(TestOAuthClients.ISSUED_AT);
		assertThat(read.tokenEndpointAuthMethod()).isEqualTo(OAuthClient.AUTH_CLIENT_SECRET_BASIC);
		assertThat(read.redirectUris()).containsExactly("https://billing.example.com/b",
				"https://billing.example.com/a", "https://billing.example.com/cb?tenant=x,y");
		assertThat(read.postLogoutRedirectUris()).containsExactly("https://billing.example.com/bye");
		assertThat(read.grantTypes()).containsExactlyInAnyOrder("authorization_code", "refresh_token",
				"client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange");
		assertThat(read.scopes()).containsExactlyInAnyOrder("openid", "invoices:read", "invoices:write");
		assertThat(read.requirePkce()).isFalse();
		assertThat(read.requireConsent()).isTrue();
		assertThat(read.accessTokenTtl()).isEqualTo(Duration.ofSeconds(61));
		assertThat(read.refreshTokenIdle()).isEqualTo(Duration.ofSeconds(3601));
		assertThat(read.refreshTokenMax()).isEqualTo(Duration.ofSeconds(86401));
		assertThat(read.exchangeAudiences()).containsExactly("orders", "invoices");
		assertThat(read.introspectionAllowed()).isTrue();
		assertThat(read.dpopBoundAccessTokens()).isTrue();
		assertThat(read.enabled()).isFalse();
		assertThat(read.createdAt()).isEqualTo(transactionStart());
		assertThat(read.updatedAt()).isEqualTo(transactionStart());
	}

	@Test
	void findByClientIdWhenPublicClientWithoutListsThenNoSecretAndEmptyLists() {
		this.clients.insert(
				TestOAuthClients.publicClient("spa").redirectUris().grantTypes().scopes().requirePkce(true).build());

		OAuthClient read = this.clients.findByClientId("spa").orElseThrow();
		assertThat(read.clientSecretHash()).isNull();
		assertThat(read.isPublic()).isTrue();
		assertThat(read.redirectUris()).isEmpty();
		assertThat(read.postLogoutRedirectUris()).isEmpty();
		assertThat(read.grantTypes()).isEmpty();
		assertThat(read.scopes()).isEmpty();
		assertThat(read.exchangeAudiences()).isEmpty();
		assertThat(read.requirePkce()).isTrue();
	}

	@Test
	void findByIdWhenInsertedThenFoundByInternalIdOnly() {
		OAuthClient client = TestOAuthClients.confidential("orders").id("internal-7").build();
		this.clients.insert(client);

		assertThat(this.clients.findById("internal-7")).map(OAuthClient::clientId).hasValue("orders");
		assertThat(this.clients.findById("orders")).isEmpty();
		assertThat(this.clients.findByClientId("internal-7")).isEmpty();
		assertThat(this.clients.findByClientId("ORDERS")).isEmpty();
	}

	@Test
	void insertWhenClientIdTakenThenDuplicateKey() {
		this.clients.insert(TestOAuthClients.confidential("orders").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.clients.insert(TestOAuthClients.publicClient("orders").build()));
	}

	@Test
	void insertWhenInternalIdTakenThenDuplicateKey() {
		this.clients.insert(TestOAuthClients.confidential("orders").id("same").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.clients.insert(TestOAuthClients.confidential("invoices").id("same").build()));
	}

	@Test
	void updateWhenClientChangedThenEveryFieldButIdsAndIssueTimeWritten() {
		OAuthClient original = TestOAuthClients.confidential("orders")
			.postLogoutRedirectUris("https://orders.example.com/old")
			.exchangeAudiences("old-audience")
			.build();
		this.clients.insert(original);
		backdate("orders");
		Instant laterIssue = TestOAuthClients.ISSUED_AT.plus(Duration.ofDays(3));

		OAuthClient changed = TestOAuthClients.confidential("renamed")
			.id(original.id())
			.name("Orders v2")
			.secretHash("new-secret-hash")
			.issuedAt(laterIssue)
			.tokenEndpointAuthMethod(OAuthClient.AUTH_NONE)
			.redirectUris("https://orders.example.com/v2")
			.postLogoutRedirectUris("https://orders.example.com/out")
			.grantTypes("client_credentials")
			.scopes("orders:read")
			.requirePkce(false)
			.requireConsent(true)
			.tokenLifetimes(Duration.ofSeconds(30), Duration.ofSeconds(40), Duration.ofSeconds(50))
			.exchangeAudiences("warehouse")
			.introspectionAllowed(true)
			.dpopBoundAccessTokens(true)
			.enabled(false)
			.build();
		this.clients.update(changed);

		OAuthClient read = this.clients.findById(original.id()).orElseThrow();
		assertThat(read.clientId()).as("client id is never changed").isEqualTo("orders");
		assertThat(read.clientIdIssuedAt()).isEqualTo(TestOAuthClients.ISSUED_AT);
		assertThat(read.clientName()).isEqualTo("Orders v2");
		assertThat(read.clientSecretHash()).isEqualTo("new-secret-hash");
		assertThat(read.tokenEndpointAuthMethod()).isEqualTo(OAuthClient.AUTH_NONE);
		assertThat(read.redirectUris()).containsExactly("https://orders.example.com/v2");
		assertThat(read.postLogoutRedirectUris()).containsExactly("https://orders.example.com/out");
		assertThat(read.grantTypes()).containsExactly("client_credentials");
		assertThat(read.scopes()).containsExactly("orders:read");
		assertThat(read.requirePkce()).isFalse();
		assertThat(read.requireConsent()).isTrue();
		assertThat(read.accessTokenTtl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(read.refreshTokenIdle()).isEqualTo(Duration.ofSeconds(40));
		assertThat(read.refreshTokenMax()).isEqualTo(Duration.ofSeconds(50));
		assertThat(read.exchangeAudiences()).containsExactly("warehouse");
		assertThat(read.introspectionAllowed()).isTrue();
		assertThat(read.dpopBoundAccessTokens()).isTrue();
		assertThat(read.enabled()).isFalse();
		assertThat(read.createdAt()).isEqualTo(BACKDATED);
		assertThat(read.updatedAt()).isEqualTo(transactionStart());
	}

	@Test
	void updateWhenSecretHashNullThenSecretRemoved() {
		OAuthClient original = TestOAuthClients.confidential("orders").build();
		this.clients.insert(original);

		this.clients.update(TestOAuthClients.confidential("orders").id(original.id()).secretHash(null).build());

		assertThat(this.clients.findById(original.id()).orElseThrow().clientSecretHash()).isNull();
	}

	@Test
	void updateWhenOtherClientsExistThenOnlyThatOneChanged() {
		OAuthClient orders = TestOAuthClients.confidential("orders").build();
		this.clients.insert(orders);
		this.clients.insert(TestOAuthClients.confidential("invoices").build());

		this.clients.update(TestOAuthClients.confidential("orders").id(orders.id()).name("Changed").build());

		assertThat(this.clients.findByClientId("invoices").orElseThrow().clientName()).isEqualTo("invoices");
	}

	@Test
	void deleteWhenExistsThenTrueAndGone() {
		OAuthClient client = TestOAuthClients.confidential("orders").build();
		this.clients.insert(client);
		this.clients.insert(TestOAuthClients.confidential("invoices").build());

		assertThat(this.clients.delete(client.id())).isTrue();
		assertThat(this.clients.findByClientId("orders")).isEmpty();
		assertThat(this.clients.delete(client.id())).isFalse();
		assertThat(this.clients.count()).isEqualTo(1);
	}

	@Test
	void deleteWhenGivenClientIdInsteadOfIdThenNothingDeleted() {
		this.clients.insert(TestOAuthClients.confidential("orders").build());

		assertThat(this.clients.delete("orders")).isFalse();
		assertThat(this.clients.count()).isEqualTo(1);
	}

	@Test
	void findAllThenOrderedByClientId() {
		insert("charlie", "bravo", "alpha");

		assertThat(this.clients.findAll()).extracting(OAuthClient::clientId)
			.containsExactly("alpha", "bravo", "charlie");
	}

	@Test
	void searchWhenPagedThenPagesByClientIdAndCountCountsAllMatches() {
		insert("app-05", "app-03", "app-01", "app-04", "app-02", "other");

		assertThat(this.clients.search("app", 2, 0)).extracting(OAuthClient::clientId)
			.containsExactly("app-01", "app-02");
		assertThat(this.clients.search("app", 2, 2)).extracting(OAuthClient::clientId)
			.containsExactly("app-03", "app-04");
		assertThat(this.clients.search("app", 2, 4)).extracting(OAuthClient::clientId).containsExactly("app-05");
		assertThat(this.clients.search("app", 2, 6)).isEmpty();
		assertThat(this.clients.countMatching("app")).isEqualTo(5);
		assertThat(this.clients.count()).isEqualTo(6);
	}

	@Test
	void searchWhenTextInNameOfAnyCaseThenFound() {
		this.clients.insert(TestOAuthClients.confidential("c-1").name("Billing Portal").build());
		this.clients.insert(TestOAuthClients.confidential("c-2").name("Shop").build());
		this.clients.insert(TestOAuthClients.confidential("PORTAL-admin").name("Admin").build());

		assertThat(this.clients.search("portal", 10, 0)).extracting(OAuthClient::clientId)
			.containsExactlyInAnyOrder("c-1", "PORTAL-admin");
		assertThat(this.clients.countMatching("pOrTaL")).isEqualTo(2);
	}

	@Test
	void searchWhenTextEmptyOrNullThenEveryClient() {
		insert("alpha", "bravo");

		assertThat(this.clients.search("", 10, 0)).hasSize(2);
		assertThat(this.clients.search(null, 10, 0)).hasSize(2);
		assertThat(this.clients.countMatching(null)).isEqualTo(2);
	}

	@Test
	void searchWhenTextHasLikeWildcardsThenMatchedLiterally() {
		insert("a_b", "axb", "100%", "1000", "back\\slash", "backslash");

		assertThat(this.clients.search("a_b", 10, 0)).extracting(OAuthClient::clientId).containsExactly("a_b");
		assertThat(this.clients.search("0%", 10, 0)).extracting(OAuthClient::clientId).containsExactly("100%");
		assertThat(this.clients.search("%", 10, 0)).extracting(OAuthClient::clientId).containsExactly("100%");
		assertThat(this.clients.search("_", 10, 0)).extracting(OAuthClient::clientId).containsExactly("a_b");
		assertThat(this.clients.search("k\\s", 10, 0)).extracting(OAuthClient::clientId).containsExactly("back\\slash");
		assertThat(this.clients.countMatching("_")).isEqualTo(1);
		assertThat(this.clients.countMatching("%")).isEqualTo(1);
	}

	private void insert(String... clientIds) {
		for (String clientId : clientIds) {
			this.clients.insert(TestOAuthClients.confidential(clientId).build());
		}
	}

	/** Sets the creation and change times into the past, to see which change. */
	private void backdate(String clientId) {
		this.jdbc.sql("UPDATE oauth_clients SET created_at = :at, updated_at = :at WHERE client_id = :id")
			.param("at", Timestamp.from(BACKDATED))
			.param("id", clientId)
			.update();
	}

	/** {@code now()} of this test's transaction, which the database writes as "now". */
	private Instant transactionStart() {
		return this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
	}

}
