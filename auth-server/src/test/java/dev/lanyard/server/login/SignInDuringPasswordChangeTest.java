package dev.lanyard.server.login;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A password change ends every sign-in begun before it (its cut-off, taken once it holds
 * the account's row), and the old password signs no one in afterwards. A sign-in whose
 * password check read the old password while the change was being committed began after
 * the cut-off, so its session outlived the change: someone with the old password, signing
 * in again and again, kept a session through the owner's change. Here the change (as the
 * account page's: the new password, then the cut-off) holds the row while the sign-in
 * comes.
 */
class SignInDuringPasswordChangeTest {

	private final LanyardTestServer server = SharedLanyard.server();

	private final OAuthFlows flows = SharedLanyard.flows();

	@Test
	void signInWhenPasswordChangesMeanwhileThenNoSessionOutlivesTheChange() throws Exception {
		String username = "changing-" + UUID.randomUUID().toString().substring(0, 8);
		String old = "an-old-password-for-the-race";
		UUID id = this.server.bean(UserService.class)
			.create(username, null, old, true, false, List.of("user"), Map.of(), Map.of())
			.id();
		String replaced = this.server.bean(PasswordEncoder.class).encode("a-new-password-for-the-race");
		TestBrowser attacker = new TestBrowser();
		String csrf = TestBrowser.csrf(attacker.get(this.flows.url("/login")).body());
		DataSource database = this.server.bean(DataSource.class);
		CompletableFuture<HttpResponse<String>> signIn;
		try (Connection change = database.getConnection()) {
			change.setAutoCommit(false);
			try (PreparedStatement password = change
				.prepareStatement("UPDATE users SET password_hash = ?, sign_ins_not_before = now() WHERE id = ?")) {
				password.setString(1, replaced);
				password.setObject(2, id);
				password.executeUpdate();
			}
			Thread.sleep(20);
			signIn = CompletableFuture.supplyAsync(() -> attacker.postForm(this.flows.url("/login"),
					Map.of("username", username, "password", old, "_csrf", csrf)));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> signIn.isDone() || JdbcClient.create(database)
					.sql("SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
							+ "AND query LIKE '%login_name%'")
					.query(Boolean.class)
					.single());
			change.commit();
		}
		signIn.get(10, TimeUnit.SECONDS);
		HttpResponse<String> account = attacker.get(this.flows.url("/account"));
		assertThat(account.statusCode()).as("no session of the old password").isEqualTo(302);
		assertThat(TestBrowser.location(account)).endsWith("/login");
	}

}
