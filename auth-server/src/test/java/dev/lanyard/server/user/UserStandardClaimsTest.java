package dev.lanyard.server.user;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.SharedLanyard;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens to a user's standard claims when the account is changed from the console
 * or API and when the bootstrap file is imported again: nothing is lost that was not
 * named, and a verification never outlives the value it vouched for.
 */
class UserStandardClaimsTest {

	private final UserService users = SharedLanyard.server().bean(UserService.class);

	private final String username = "claims-" + UUID.randomUUID().toString().substring(0, 8);

	@Test
	void updateWhenClaimsLeftOutThenKeptAndWhenEmailOrPhoneChangesThenNoLongerVerified() {
		UserAccount created = this.users.create(this.username, "old@example.com", "a-good-long-password-42", true,
				false, List.of("user"), Map.of(), Map.of("given_name", "Ana", "email_verified", "true", "phone_number",
						"+351 22 000 0000", "phone_number_verified", "true"));

		UserAccount kept = this.users
			.update(created.id(), this.username, "old@example.com", true, false, List.of("user"), Map.of(), null)
			.after();
		assertThat(kept.claims()).isEqualTo(created.claims());

		UserAccount newEmail = this.users
			.update(created.id(), this.username, "new@example.com", true, false, List.of("user"), Map.of(), null)
			.after();
		assertThat(newEmail.claims()).doesNotContainKey("email_verified")
			.containsEntry("phone_number_verified", "true");

		Map<String, String> newPhone = Map.of("given_name", "Ana", "phone_number", "+351 22 111 1111",
				"phone_number_verified", "true");
		assertThat(this.users
			.update(created.id(), this.username, "new@example.com", true, false, List.of("user"), Map.of(), newPhone)
			.after()
			.claims()).containsOnlyKeys("given_name", "phone_number");
	}

	@Test
	void importUserWhenFileNamesSomeClaimsThenOnlyThoseChangeAndTheFileMayVerify() {
		this.users.importUser(this.username, "a-good-long-password-42", "ana@example.com", List.of(), Map.of(),
				Map.of("given_name", "Ana"), true);
		UserAccount account = this.users
			.importUser(this.username, "a-good-long-password-42", "ana@example.com", List.of(), Map.of(), Map.of(),
					true)
			.after();
		this.users.update(account.id(), this.username, "ana@example.com", true, false, List.of(), Map.of(),
				Map.of("given_name", "Ana", "nickname", "Nana", "email_verified", "true"));

		UserAccount again = this.users
			.importUser(this.username, "a-good-long-password-42", "ana@example.com", List.of(), Map.of(),
					Map.of("given_name", "Anabela"), true)
			.after();
		assertThat(again.claims())
			.isEqualTo(Map.of("given_name", "Anabela", "nickname", "Nana", "email_verified", "true"));

		UserAccount moved = this.users
			.importUser(this.username, "a-good-long-password-42", "anabela@example.com", List.of(), Map.of(),
					Map.of("nickname", ""), true)
			.after();
		assertThat(moved.claims()).isEqualTo(Map.of("given_name", "Anabela"));
		UserAccount vouched = this.users
			.importUser(this.username, "a-good-long-password-42", "ana@example.org", List.of(), Map.of(),
					Map.of("email_verified", "true"), true)
			.after();
		assertThat(vouched.claims()).containsEntry("email_verified", "true");
	}

	/**
	 * An entry imported again as it was is left as it is, also for an account whose
	 * sign-ins were all ended once (that end is part of the account as read, not of the
	 * entry): it used to count as changed at every start, rewriting the account (its
	 * {@code updated_at}, an open form's version) and auditing an update of nothing.
	 */
	@Test
	void importUserWhenEntryUnchangedAfterSignInsEndedThenUnchanged() {
		UserAccount account = this.users
			.importUser(this.username, "a-good-long-password-42", "ana@example.com", List.of("user"), Map.of(),
					Map.of(), true)
			.after();
		this.users.endSignIns(account.id());
		UserAccount before = this.users.get(account.id());

		UserService.Change again = this.users.importUser(this.username, "a-good-long-password-42", "ana@example.com",
				List.of("user"), Map.of(), Map.of(), true);

		assertThat(again.outcome()).isEqualTo(ImportOutcome.UNCHANGED);
		assertThat(this.users.get(account.id()).updatedAt()).isEqualTo(before.updatedAt());
	}

}
