package dev.lanyard.server.authorization;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.lanyard.server.authorization.TestStoredAuthorizations.grant;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.revoked;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which grants {@link JdbcActiveGrants} lists as active (an access or refresh token
 * neither expired nor revoked, by the database's clock) and what it shows of them.
 */
@RepositorySliceTest
class JdbcActiveGrantsTest {

	@Autowired
	private JdbcActiveGrants grants;

	@Autowired
	private JdbcAuthorizationRows rows;

	@Autowired
	private JdbcClient jdbc;

	private Instant now;

	private Instant future;

	private Instant past;

	@BeforeEach
	void databaseTime() {
		this.now = this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
		this.future = this.now.plus(Duration.ofHours(1));
		this.past = this.now.minus(Duration.ofHours(1));
	}

	@Test
	void forPrincipalWhenTokensLiveExpiredOrRevokedThenOnlyActiveGrantsNewestFirst() {
		insert(grant(at(1)).id("access-live").accessToken(token("a1", this.future)));
		insert(grant(at(2)).id("refresh-live")
			.accessToken(token("a2", this.past))
			.refreshToken(token("r2", this.future)));
		insert(grant(at(3)).id("access-revoked-refresh-live")
			.accessToken(revoked("a3", this.future))
			.refreshToken(token("r3", this.future)));
		insert(grant(at(4)).id("expired").accessToken(token("a4", this.past)).refreshToken(token("r4", this.past)));
		insert(grant(at(5)).id("revoked")
			.accessToken(revoked("a5", this.future))
			.refreshToken(revoked("r5", this.future)));
		insert(grant(at(6)).id("code-only").code(token("c6", this.future)));
		insert(grant(at(7)).id("other-user").principal("user-2").accessToken(token("a7", this.future)));

		assertThat(this.grants.forPrincipal("user-1")).extracting(ActiveGrant::id)
			.containsExactly("access-revoked-refresh-live", "refresh-live", "access-live");
	}

	@Test
	void forPrincipalWhenActiveThenEveryFieldShown() {
		insert(grant(at(1)).id("g1")
			.client("client-9")
			.grantType("refresh_token")
			.scopes("openid orders:read")
			.accessToken(token("a1", this.future))
			.refreshToken(token("r1", this.future.plus(Duration.ofDays(1)))));

		ActiveGrant grant = this.grants.forPrincipal("user-1").get(0);
		assertThat(grant.id()).isEqualTo("g1");
		assertThat(grant.registeredClientId()).isEqualTo("client-9");
		assertThat(grant.principalName()).isEqualTo("user-1");
		assertThat(grant.grantType()).isEqualTo("refresh_token");
		assertThat(grant.scopes()).containsExactly("openid", "orders:read");
		assertThat(grant.createdAt()).isEqualTo(at(1));
		assertThat(grant.updatedAt()).isEqualTo(this.now);
		assertThat(grant.expiresAt()).as("the longest-lived token's expiry")
			.isEqualTo(this.future.plus(Duration.ofDays(1)));
	}

	@Test
	void forPrincipalWhenNoScopesOrRefreshTokenThenEmptyScopesAndAccessTokenExpiry() {
		insert(grant(at(1)).id("blank").scopes(" ").accessToken(token("a1", this.future)));
		insert(grant(at(2)).id("null").scopes(null).accessToken(token("a2", this.future.plusSeconds(1))));

		assertThat(this.grants.forPrincipal("user-1")).allSatisfy((grant) -> assertThat(grant.scopes()).isEmpty())
			.extracting(ActiveGrant::expiresAt)
			.containsExactly(this.future.plusSeconds(1), this.future);
	}

	@Test
	void forClientWhenMoreThanLimitThenNewestUpToLimit() {
		insert(grant(at(1)).id("old").accessToken(token("a1", this.future)));
		insert(grant(at(2)).id("middle").principal("user-2").accessToken(token("a2", this.future)));
		insert(grant(at(3)).id("new").principal("user-3").accessToken(token("a3", this.future)));
		insert(grant(at(4)).id("inactive").accessToken(token("a4", this.past)));
		insert(grant(at(5)).id("other-client").client("client-2").accessToken(token("a5", this.future)));

		assertThat(this.grants.forClient("client-1", 2)).extracting(ActiveGrant::id).containsExactly("new", "middle");
		assertThat(this.grants.forClient("client-1", 10)).extracting(ActiveGrant::id)
			.containsExactly("new", "middle", "old");
	}

	@Test
	void findWhenGrantExistsThenFoundActiveOrNot() {
		insert(grant(at(1)).id("expired").accessToken(token("a1", this.past)));

		assertThat(this.grants.find("expired")).map(ActiveGrant::expiresAt).hasValue(this.past);
		assertThat(this.grants.find("unknown")).isEmpty();
	}

	@Test
	void countActiveWhenGrantsOfSeveralUsersAndClientsThenCountsActiveOnly() {
		insert(grant(at(1)).accessToken(token("a1", this.future)));
		insert(grant(at(2)).principal("user-2").client("client-2").refreshToken(token("r2", this.future)));
		insert(grant(at(3)).accessToken(token("a3", this.past)));
		insert(grant(at(4)).accessToken(revoked("a4", this.future)));

		assertThat(this.grants.countActive()).isEqualTo(2);
	}

	private void insert(TestStoredAuthorizations.Builder grant) {
		this.rows.insert(grant.build());
	}

	/** Distinct creation times, in order, to the microsecond. */
	private Instant at(int minutes) {
		return this.now.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.MICROS);
	}

}
