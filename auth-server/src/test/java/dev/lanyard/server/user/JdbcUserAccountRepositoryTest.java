package dev.lanyard.server.user;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** User accounts as {@link JdbcUserAccountRepository} stores and finds them. */
@RepositorySliceTest
class JdbcUserAccountRepositoryTest {

	private static final Instant BACKDATED = Instant.parse("2024-01-01T00:00:00Z");

	@Autowired
	private JdbcUserAccountRepository users;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void findByIdWhenInsertedThenEveryFieldAsWritten() {
		UserAccount written = TestUserAccounts.user("Ölaf")
			.email("olaf@example.com")
			.passwordHash("{argon2}$argon2id$v=19$m=16384,t=2,p=1$c2FsdA$aGFzaA")
			.enabled(false)
			.locked(true)
			.roles("admin", "auditor")
			.attributes(Map.of("tenant", "north", "quote", "say \"hi\"", "emoji", "🦊", "empty", ""))
			.claims(Map.of("given_name", "Ólafur", "address.street_address", "Laugavegur 1\n101", "email_verified",
					"true"))
			.build();
		this.users.insert(written);

		UserAccount read = this.users.findById(written.id()).orElseThrow();
		assertThat(read.id()).isEqualTo(written.id());
		assertThat(read.username()).isEqualTo("Ölaf");
		assertThat(read.email()).isEqualTo("olaf@example.com");
		assertThat(read.passwordHash()).isEqualTo("{argon2}$argon2id$v=19$m=16384,t=2,p=1$c2FsdA$aGFzaA");
		assertThat(read.enabled()).isFalse();
		assertThat(read.locked()).isTrue();
		assertThat(read.roles()).containsExactly("admin", "auditor");
		assertThat(read.attributes()).containsExactlyInAnyOrderEntriesOf(
				Map.of("tenant", "north", "quote", "say \"hi\"", "emoji", "🦊", "empty", ""));
		assertThat(read.claims()).containsExactlyInAnyOrderEntriesOf(Map.of("given_name", "Ólafur",
				"address.street_address", "Laugavegur 1\n101", "email_verified", "true"));
		assertThat(read.createdAt()).isEqualTo(transactionStart());
		assertThat(read.updatedAt()).isEqualTo(transactionStart());
		assertThat(loginName(written.id())).isEqualTo("ölaf");
	}

	@Test
	void findByIdWhenNoEmailRolesOrAttributesThenNullAndEmpty() {
		UserAccount written = TestUserAccounts.user("plain").email(null).build();
		this.users.insert(written);

		UserAccount read = this.users.findById(written.id()).orElseThrow();
		assertThat(read.email()).isNull();
		assertThat(read.roles()).isEmpty();
		assertThat(read.attributes()).isEmpty();
		assertThat(read.enabled()).isTrue();
		assertThat(read.locked()).isFalse();
	}

	@Test
	void findByIdWhenUnknownThenEmpty() {
		assertThat(this.users.findById(UUID.randomUUID())).isEmpty();
	}

	@Test
	void findByLoginNameWhenTypedInAnotherCaseOrFoldThenFound() {
		UserAccount alice = TestUserAccounts.user("Alice").build();
		UserAccount strasse = TestUserAccounts.user("Straße").build();
		this.users.insert(alice);
		this.users.insert(strasse);

		assertThat(this.users.findByLoginName("alice")).map(UserAccount::id).hasValue(alice.id());
		assertThat(this.users.findByLoginName("ALICE")).map(UserAccount::id).hasValue(alice.id());
		assertThat(this.users.findByLoginName("STRASSE")).map(UserAccount::id).hasValue(strasse.id());
		assertThat(this.users.findByLoginName("strasse")).map(UserAccount::id).hasValue(strasse.id());
		assertThat(this.users.findByLoginName("ａｌｉｃｅ")).as("full-width letters are NFKC-folded")
			.map(UserAccount::id)
			.hasValue(alice.id());
	}

	@Test
	void findByLoginNameWhenNoSuchNameThenEmpty() {
		this.users.insert(TestUserAccounts.user("alice").build());

		assertThat(this.users.findByLoginName("alic")).isEmpty();
		assertThat(this.users.findByLoginName("alice ")).isEmpty();
		assertThat(this.users.findByLoginName("%")).isEmpty();
		assertThat(this.users.findByLoginName("alice@example.com")).as("e-mail is not a login name").isEmpty();
	}

	@Test
	void findByLoginNameWhenMissingOrOverLongThenEmptyWithoutFailing() {
		assertThat(this.users.findByLoginName(null)).isEmpty();
		assertThat(this.users.findByLoginName("")).isEmpty();
		assertThat(this.users.findByLoginName("a".repeat(LoginName.MAXIMUM_LENGTH + 1))).isEmpty();
	}

	@Test
	void insertWhenNameDiffersOnlyInCaseThenDuplicateKey() {
		this.users.insert(TestUserAccounts.user("alice").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.users.insert(TestUserAccounts.user("ALICE").build()));
	}

	@Test
	void insertWhenNameIsSameLoginNameAfterCaseFoldingThenDuplicateKey() {
		this.users.insert(TestUserAccounts.user("straße").build());

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.users.insert(TestUserAccounts.user("STRASSE").build()));
	}

	@Test
	void updateProfileWhenChangedThenEverythingButIdAndPasswordWritten() {
		UserAccount original = TestUserAccounts.user("alice").passwordHash("{noop}original").build();
		this.users.insert(original);
		backdate(original.id());

		this.users.updateProfile(TestUserAccounts.user("Alicia")
			.id(original.id())
			.email(null)
			.passwordHash("{noop}ignored")
			.enabled(false)
			.locked(true)
			.roles("admin")
			.attributes(Map.of("tenant", "south"))
			.claims(Map.of("nickname", "Ali"))
			.build());

		UserAccount read = this.users.findById(original.id()).orElseThrow();
		assertThat(read.username()).isEqualTo("Alicia");
		assertThat(read.email()).isNull();
		assertThat(read.passwordHash()).isEqualTo("{noop}original");
		assertThat(read.enabled()).isFalse();
		assertThat(read.locked()).isTrue();
		assertThat(read.roles()).containsExactly("admin");
		assertThat(read.attributes()).containsExactlyEntriesOf(Map.of("tenant", "south"));
		assertThat(read.claims()).containsExactlyEntriesOf(Map.of("nickname", "Ali"));
		assertThat(read.createdAt()).isEqualTo(BACKDATED);
		assertThat(read.updatedAt()).isEqualTo(transactionStart());
	}

	/**
	 * A profile written over the version it was read as: written while the account is
	 * that version, not once it changed (another administrator's change, in between).
	 */
	@Test
	void updateProfileWhenChangedSinceReadThenNotWritten() {
		UserAccount original = TestUserAccounts.user("alice").build();
		this.users.insert(original);
		backdate(original.id());
		UserAccount read = this.users.findById(original.id()).orElseThrow();

		assertThat(this.users.updateProfile(TestUserAccounts.user("alice").id(original.id()).enabled(false).build(),
				read.updatedAt().minusMillis(1)))
			.isFalse();
		assertThat(this.users.findById(original.id()).orElseThrow().enabled()).isTrue();
		assertThat(this.users.updateProfile(TestUserAccounts.user("alice").id(original.id()).enabled(false).build(),
				read.updatedAt()))
			.isTrue();
		assertThat(this.users.findById(original.id()).orElseThrow().enabled()).isFalse();
	}

	@Test
	void updateProfileWhenRenamedThenFoundByNewNameOnly() {
		UserAccount original = TestUserAccounts.user("alice").build();
		this.users.insert(original);

		this.users.updateProfile(TestUserAccounts.user("Alicia").id(original.id()).build());

		assertThat(this.users.findByLoginName("alicia")).map(UserAccount::id).hasValue(original.id());
		assertThat(this.users.findByLoginName("alice")).isEmpty();
		assertThat(loginName(original.id())).isEqualTo("alicia");
	}

	@Test
	void updateProfileWhenRenamedToAnotherAccountsNameThenDuplicateKey() {
		this.users.insert(TestUserAccounts.user("alice").build());
		UserAccount bob = TestUserAccounts.user("bob").build();
		this.users.insert(bob);

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.users.updateProfile(TestUserAccounts.user("Alice").id(bob.id()).build()));
	}

	@Test
	void updateProfileWhenOnlyCaseOfOwnNameChangesThenAllowed() {
		UserAccount alice = TestUserAccounts.user("alice").build();
		this.users.insert(alice);

		this.users.updateProfile(TestUserAccounts.user("ALICE").id(alice.id()).build());

		assertThat(this.users.findByLoginName("alice")).map(UserAccount::username).hasValue("ALICE");
	}

	@Test
	void updatePasswordHashWhenSetThenOnlyTheHashWritten() {
		UserAccount alice = TestUserAccounts.user("alice").roles("admin").build();
		UserAccount bob = TestUserAccounts.user("bob").passwordHash("{noop}bob").build();
		this.users.insert(alice);
		this.users.insert(bob);
		backdate(alice.id());

		this.users.updatePasswordHash(alice.id(), "{noop}new");

		UserAccount read = this.users.findById(alice.id()).orElseThrow();
		assertThat(read.passwordHash()).isEqualTo("{noop}new");
		assertThat(read.username()).isEqualTo("alice");
		assertThat(read.roles()).containsExactly("admin");
		assertThat(read.createdAt()).isEqualTo(BACKDATED);
		assertThat(read.updatedAt()).as("not the account's information: the form's version stays").isEqualTo(BACKDATED);
		assertThat(this.users.findById(bob.id()).orElseThrow().passwordHash()).isEqualTo("{noop}bob");
	}

	/**
	 * Every end of every sign-in is a value no sign-in read before: the database's time,
	 * and past the last end even when that one was stamped ahead (an older node's clock),
	 * or within one transaction (one {@code now()}); the account's information stays.
	 */
	@Test
	void endSignInsWhenEndedAgainThenEachEndIsNewAndReadWithTheAccount() {
		UserAccount alice = TestUserAccounts.user("alice").build();
		this.users.insert(alice);
		backdate(alice.id());
		assertThat(this.users.findById(alice.id()).orElseThrow().signInsNotBefore()).isNull();

		Instant first = this.users.endSignIns(alice.id()).orElseThrow();
		assertThat(first).isEqualTo(transactionStart());
		Instant second = this.users.endSignIns(alice.id()).orElseThrow();
		assertThat(second).isAfter(first);
		Instant ahead = transactionStart().plusSeconds(60);
		this.jdbc.sql("UPDATE users SET sign_ins_not_before = ? WHERE id = ?")
			.params(Timestamp.from(ahead), alice.id())
			.update();
		Instant third = this.users.endSignIns(alice.id()).orElseThrow();
		assertThat(third).isAfter(ahead);

		UserAccount read = this.users.findById(alice.id()).orElseThrow();
		assertThat(read.signInsNotBefore()).isEqualTo(third);
		assertThat(read.updatedAt()).isEqualTo(BACKDATED);
		assertThat(this.users.endSignIns(UUID.randomUUID())).isEmpty();
	}

	@Test
	void searchWhenPagedThenPagesByLoginNameAndCountCountsAllMatches() {
		insert("Erin", "dave", "Carol", "bob", "alice");
		this.users.insert(TestUserAccounts.user("zed").email("zed@elsewhere.org").build());

		assertThat(this.users.search("example", 2, 0)).extracting(UserAccount::username)
			.containsExactly("alice", "bob");
		assertThat(this.users.search("example", 2, 2)).extracting(UserAccount::username)
			.containsExactly("Carol", "dave");
		assertThat(this.users.search("example", 2, 4)).extracting(UserAccount::username).containsExactly("Erin");
		assertThat(this.users.countMatching("example")).isEqualTo(5);
		assertThat(this.users.count()).isEqualTo(6);
	}

	@Test
	void searchWhenTextInUsernameOrEmailOfAnyCaseThenFound() {
		this.users.insert(TestUserAccounts.user("alice").email("a@north.example").build());
		this.users.insert(TestUserAccounts.user("NorthWind").email(null).build());
		this.users.insert(TestUserAccounts.user("bob").email("bob@south.example").build());

		assertThat(this.users.search("NORTH", 10, 0)).extracting(UserAccount::username)
			.containsExactly("alice", "NorthWind");
		assertThat(this.users.countMatching("north")).isEqualTo(2);
	}

	@Test
	void searchWhenTextEmptyOrNullThenEveryAccount() {
		insert("alice", "bob");

		assertThat(this.users.search(null, 10, 0)).hasSize(2);
		assertThat(this.users.search("", 10, 0)).hasSize(2);
		assertThat(this.users.countMatching(null)).isEqualTo(2);
	}

	@Test
	void searchWhenTextHasLikeWildcardsThenMatchedLiterally() {
		this.users.insert(TestUserAccounts.user("a_b").email(null).build());
		this.users.insert(TestUserAccounts.user("axb").email(null).build());
		this.users.insert(TestUserAccounts.user("pct").email("100%@example.com").build());
		this.users.insert(TestUserAccounts.user("plain").email("1000@example.com").build());

		assertThat(this.users.search("_", 10, 0)).extracting(UserAccount::username).containsExactly("a_b");
		assertThat(this.users.search("0%", 10, 0)).extracting(UserAccount::username).containsExactly("pct");
		assertThat(this.users.countMatching("%")).isEqualTo(1);
	}

	private void insert(String... usernames) {
		for (String username : usernames) {
			this.users.insert(TestUserAccounts.user(username).build());
		}
	}

	private String loginName(UUID id) {
		return this.jdbc.sql("SELECT login_name FROM users WHERE id = ?").param(id).query(String.class).single();
	}

	/** Sets the creation and change times into the past, to see which change. */
	private void backdate(UUID id) {
		this.jdbc.sql("UPDATE users SET created_at = :at, updated_at = :at WHERE id = :id")
			.param("at", Timestamp.from(BACKDATED))
			.param("id", id)
			.update();
	}

	/** {@code now()} of this test's transaction, which the database writes as "now". */
	private Instant transactionStart() {
		return this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
	}

}
