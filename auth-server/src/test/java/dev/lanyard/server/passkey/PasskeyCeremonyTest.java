package dev.lanyard.server.passkey;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The passkey ceremonies over real HTTP with a software authenticator, for the answers a
 * browser would not give: an answer without user verification does not sign in alone; an
 * answer is good for its own options once; options given for the second step do not sign
 * in alone; another person's passkey is not this person's second factor; nonsense is
 * refused with a page, never a 500; one person cannot remove another's passkey; no
 * options for a new passkey without the current password.
 */
class PasskeyCeremonyTest {

	private static LanyardTestServer node;

	private static LanyardTestServer otherNode;

	private static String base;

	private static String otherBase;

	@BeforeAll
	static void setUp() {
		LanyardTestServer[] nodes = LanyardTestServer.startTwoNodes(LanyardTestServer.newDeployment());
		node = nodes[0];
		otherNode = nodes[1];
		base = node.baseUrl();
		otherBase = otherNode.baseUrl();
		for (String username : List.of("ola", "pal", "kim", "mia", "nia", "uma")) {
			node.bean(UserService.class)
				.importUser(username, password(username), username + "@example.com", List.of("user"), Map.of(),
						Map.of(), true);
		}
	}

	@AfterAll
	static void tearDown() {
		LanyardTestServer.closeAll(node, otherNode);
	}

	@Test
	void passkeyWhenAnswersABrowserWouldNotGiveThenRefused() throws Exception {
		SoftwarePasskey ola = register("ola");
		SoftwarePasskey pal = register("pal");

		// Without user verification: no sign-in with the passkey alone.
		TestBrowser browser = new TestBrowser();
		assertThat(TestBrowser.location(signIn(browser, ola.get(signInOptions(browser), false))))
			.endsWith("/login?passkey");
		assertThat(browser.get(base + "/account").statusCode()).isEqualTo(302);

		// With it: signed in; the same answer again, for new options, is refused.
		String answer = ola.get(signInOptions(browser), true);
		assertThat(TestBrowser.location(signIn(browser, answer))).doesNotContain("/login");
		assertThat(browser.get(base + "/account").statusCode()).isEqualTo(200);
		TestBrowser replayer = new TestBrowser();
		signInOptions(replayer);
		assertThat(TestBrowser.location(signIn(replayer, answer))).endsWith("/login?passkey");
		// Twice for the same options: the options are used up by the first.
		TestBrowser twice = new TestBrowser();
		String once = ola.get(signInOptions(twice), true);
		signIn(twice, once);
		TestBrowser other = new TestBrowser();
		assertThat(TestBrowser.location(signIn(other, once))).endsWith("/login?passkey");

		// Options given for the second step (user verification only preferred) do not
		// sign in alone.
		TestBrowser stepped = new TestBrowser();
		assertThat(TestBrowser.location(new OAuthFlows(base).signIn(stepped, "ola", password("ola"))))
			.endsWith("/login/second-factor");
		String secondStep = ola
			.get(postOptions(stepped, "/login/second-factor", "/login/second-factor/passkey/options"), false);
		assertThat(TestBrowser.location(signIn(stepped, secondStep))).endsWith("/login?passkey");

		// Another person's passkey is not ola's second factor; ola's own is.
		TestBrowser mixed = new TestBrowser();
		new OAuthFlows(base).signIn(mixed, "ola", password("ola"));
		String palsAnswer = pal.get(postOptions(mixed, "/login/second-factor", "/login/second-factor/passkey/options"),
				true);
		assertThat(TestBrowser.location(secondFactor(mixed, palsAnswer))).endsWith("/login/second-factor?passkey");
		String olasAnswer = ola.get(postOptions(mixed, "/login/second-factor", "/login/second-factor/passkey/options"),
				false);
		assertThat(TestBrowser.location(secondFactor(mixed, olasAnswer))).doesNotContain("/login");
		assertThat(mixed.get(base + "/account").statusCode()).isEqualTo(200);

		// Nonsense, each for options of its own (the first answer uses them up): a page,
		// not a 500; at the second step too.
		TestBrowser nonsense = new TestBrowser();
		TestBrowser nonsenseSecond = new TestBrowser();
		new OAuthFlows(base).signIn(nonsenseSecond, "ola", password("ola"));
		for (String junk : new String[] { "not json", "{}", "{\"response\":{\"userHandle\":\"%%%\"}}", "", "null",
				"{\"id\":\"AA\",\"rawId\":\"AA\",\"type\":\"public-key\"}" }) {
			signInOptions(nonsense);
			assertThat(signIn(nonsense, junk).statusCode()).as(junk).isEqualTo(303);
			postOptions(nonsenseSecond, "/login/second-factor", "/login/second-factor/passkey/options");
			assertThat(secondFactor(nonsenseSecond, junk).statusCode()).as(junk).isEqualTo(303);
		}

		// pal cannot remove ola's passkey, even written another way.
		TestBrowser palBrowser = new TestBrowser();
		new OAuthFlows(base).signIn(palBrowser, "pal", password("pal"));
		String pals = TestBrowser.location(secondFactor(palBrowser, pal
			.get(postOptions(palBrowser, "/login/second-factor", "/login/second-factor/passkey/options"), true)));
		assertThat(pals).doesNotContain("/login");
		String page = palBrowser.get(base + "/account?lang=en").body();
		for (String id : new String[] { ola.credentialId(), ola.credentialId() + "==" }) {
			palBrowser.postForm(base + "/account/passkeys/" + id + "/remove",
					Map.of("current", password("pal"), "_csrf", TestBrowser.csrf(page)));
		}
		assertThat(palBrowser.get(base + "/account?lang=en").body()).contains("not yours or is gone");
		// Nor rename it; pal renames pal's own.
		palBrowser.postForm(base + "/account/passkeys/" + ola.credentialId() + "/rename",
				Map.of("label", "Taken over", "_csrf", TestBrowser.csrf(page)));
		assertThat(palBrowser.get(base + "/account?lang=en").body()).contains("not yours or is gone");
		HttpResponse<String> renamed = palBrowser.postForm(base + "/account/passkeys/" + pal.credentialId() + "/rename",
				Map.of("label", "  Pal's <phone>  ", "_csrf", TestBrowser.csrf(page)));
		assertThat(TestBrowser.location(renamed)).endsWith("/account#passkeys");
		String afterRename = palBrowser.get(base + "/account?lang=en").body();
		assertThat(afterRename).contains("The passkey has its new name.")
			.contains("<strong class=\"passkey-label\">Pal&#39;s &lt;phone&gt;</strong>");
		TestBrowser olaPage = new TestBrowser();
		new OAuthFlows(base).signIn(olaPage, "ola", password("ola"));
		secondFactor(olaPage,
				ola.get(postOptions(olaPage, "/login/second-factor", "/login/second-factor/passkey/options"), true));
		assertThat(olaPage.get(base + "/account?lang=en").body()).doesNotContain("Taken over")
			.contains("<strong class=\"passkey-label\">Software</strong>");
		TestBrowser olaAgain = new TestBrowser();
		assertThat(TestBrowser.location(signIn(olaAgain, ola.get(signInOptions(olaAgain), true))))
			.doesNotContain("/login");
	}

	/**
	 * A copy of a passkey (its signature counter no further than the one Lanyard last
	 * saw; W3C WebAuthn Level 3 §6.1.1 and §7.2 step 21) signs nobody in; the passkey
	 * itself, counting on, still does.
	 */
	@Test
	void passkeyWhenSignatureCounterGoesBackThenRefusedAsCopy() throws Exception {
		SoftwarePasskey kim = register("kim");
		TestBrowser first = new TestBrowser();
		assertThat(TestBrowser.location(signIn(first, kim.get(signInOptions(first), true)))).doesNotContain("/login");
		TestBrowser second = new TestBrowser();
		assertThat(TestBrowser.location(signIn(second, kim.get(signInOptions(second), true)))).doesNotContain("/login");

		// The copy tried at the other node: the saved counter is every node's.
		kim.rewind(0);
		TestBrowser copy = new TestBrowser();
		assertThat(TestBrowser.location(signInAt(otherBase, copy, kim.get(optionsAt(otherBase, copy), true))))
			.endsWith("/login?passkey");
		assertThat(copy.get(otherBase + "/account").statusCode()).isEqualTo(302);

		kim.rewind(10);
		TestBrowser onwards = new TestBrowser();
		assertThat(TestBrowser.location(signInAt(otherBase, onwards, kim.get(optionsAt(otherBase, onwards), true))))
			.doesNotContain("/login");
		assertThat(onwards.get(otherBase + "/account").statusCode()).isEqualTo(200);
		assertThat(onwards.get(base + "/account").statusCode()).as("the sign-in, on either node").isEqualTo(200);
	}

	/**
	 * A passkey removed while a sign-in with it is under way (its removal held here until
	 * the sign-in's save waits for it) stays removed, and that sign-in is refused. The
	 * framework's save inserted a passkey it found gone: it came back, and signed in.
	 */
	@Test
	void passkeyWhenRemovedDuringASignInWithItThenStaysRemovedAndSignInRefused() throws Exception {
		SoftwarePasskey nia = register("nia");
		UUID niaId = node.bean(JdbcUserAccountRepository.class).findByLoginName("nia").orElseThrow().id();
		DataSource database = node.bean(DataSource.class);
		TestBrowser thief = new TestBrowser();
		String answer = nia.get(signInOptions(thief), true);
		CompletableFuture<HttpResponse<String>> signIn;
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement removal = holder
				.prepareStatement("DELETE FROM user_credentials WHERE credential_id = ?")) {
				removal.setString(1, nia.credentialId());
				assertThat(removal.executeUpdate()).isEqualTo(1);
			}
			signIn = CompletableFuture.supplyAsync(() -> signIn(thief, answer));
			TestBackends.awaitLockWaiters(database, 1);
			holder.commit();
		}
		assertThat(TestBrowser.location(signIn.get(10, TimeUnit.SECONDS))).endsWith("/login?passkey");
		assertThat(thief.get(base + "/account").statusCode()).isEqualTo(302);
		assertThat(node.bean(SecondFactors.class).passkeys(niaId)).isEmpty();
	}

	/**
	 * A person of whom a second factor is required, with two passkeys, removes both at
	 * once (the two removals held here until both wait): one goes, the other is refused
	 * as the last. Checked apart from the removal, each used to see the other passkey
	 * remain, and both went.
	 */
	@Test
	void passkeysWhenBothRemovedAtOnceThenTheLastStays() throws Exception {
		TestBrowser browser = new TestBrowser();
		new OAuthFlows(base).signIn(browser, "mia", password("mia"));
		List<SoftwarePasskey> passkeys = List.of(addPasskey(browser, "mia", true), addPasskey(browser, "mia", false));
		UUID mia = node.bean(JdbcUserAccountRepository.class).findByLoginName("mia").orElseThrow().id();
		assertThat(node.bean(SecondFactors.class).require(mia, true)).isTrue();
		String page = browser.get(base + "/account?lang=en").body();

		DataSource database = node.bean(DataSource.class);
		List<CompletableFuture<HttpResponse<String>>> removals = new ArrayList<>();
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			// What either removal would write: the person's row and their passkeys.
			for (String lock : List.of("SELECT 1 FROM users WHERE id = ? FOR UPDATE",
					"SELECT 1 FROM user_credentials WHERE user_entity_user_id = "
							+ "(SELECT id FROM passkey_users WHERE user_id = ?) FOR UPDATE")) {
				try (PreparedStatement statement = holder.prepareStatement(lock)) {
					statement.setObject(1, mia);
					statement.executeQuery();
				}
			}
			for (SoftwarePasskey passkey : passkeys) {
				removals.add(CompletableFuture.supplyAsync(
						() -> browser.postForm(base + "/account/passkeys/" + passkey.credentialId() + "/remove",
								Map.of("current", password("mia"), "_csrf", TestBrowser.csrf(page)))));
			}
			TestBackends.awaitLockWaiters(database, 2);
			holder.rollback();
		}
		for (CompletableFuture<HttpResponse<String>> removal : removals) {
			assertThat(removal.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(302);
		}
		assertThat(node.bean(SecondFactors.class).passkeys(mia)).hasSize(1);
	}

	/**
	 * An account has at most {@link Passkeys#MOST_PER_ACCOUNT} passkeys: past them the
	 * options are refused, with a message (adding them had no end, each one offered to
	 * every sign-in as the second factor).
	 */
	@Test
	void passkeysWhenAsManyAsAnAccountMayHaveThenNoMoreOffered() throws Exception {
		TestBrowser browser = new TestBrowser();
		new OAuthFlows(base).signIn(browser, "uma", password("uma"));
		for (int i = 0; i < Passkeys.MOST_PER_ACCOUNT; i++) {
			// Each with the right password (addPasskey's wrong one each time would spend
			// the password budget).
			String page = browser.get(base + "/account?lang=en").body();
			String options = browser
				.postForm(base + "/account/passkeys/options", Map.of("current", password("uma")), "X-CSRF-TOKEN",
						TestBrowser.csrf(page))
				.body();
			HttpResponse<String> added = browser.postForm(base + "/account/passkeys", Map.of("label", "Key " + i,
					"credential", new SoftwarePasskey(base).create(options), "_csrf", TestBrowser.csrf(page)));
			assertThat(added.statusCode()).as("passkey " + i).isIn(200, 302);
		}
		assertThat(node.bean(Passkeys.class)
			.list(node.bean(dev.lanyard.server.user.JdbcUserAccountRepository.class)
				.findByLoginName("uma")
				.orElseThrow()
				.id()))
			.hasSize(Passkeys.MOST_PER_ACCOUNT);
		String page = browser.get(base + "/account?lang=en").body();
		HttpResponse<String> refused = browser.postForm(base + "/account/passkeys/options",
				Map.of("current", password("uma")), "X-CSRF-TOKEN", TestBrowser.csrf(page));
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("You have 20 passkeys, the most an account may have")
			.doesNotContain("challenge");
	}

	/** Signs the person in with the password and adds a software passkey. */
	private static SoftwarePasskey register(String username) throws Exception {
		TestBrowser browser = new TestBrowser();
		new OAuthFlows(base).signIn(browser, username, password(username));
		return addPasskey(browser, username, true);
	}

	/**
	 * Adds a software passkey for the person signed in at the browser, their first second
	 * factor or not.
	 */
	private static SoftwarePasskey addPasskey(TestBrowser browser, String username, boolean first) throws Exception {
		SoftwarePasskey passkey = new SoftwarePasskey(base);
		String page = browser.get(base + "/account?lang=en").body();
		HttpResponse<String> refused = browser.postForm(base + "/account/passkeys/options",
				Map.of("current", "not-the-password"), "X-CSRF-TOKEN", TestBrowser.csrf(page));
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("current password is not correct").doesNotContain("challenge");
		String options = browser
			.postForm(base + "/account/passkeys/options", Map.of("current", password(username)), "X-CSRF-TOKEN",
					TestBrowser.csrf(page))
			.body();
		HttpResponse<String> added = browser.postForm(base + "/account/passkeys",
				Map.of("label", "Software", "credential", passkey.create(options), "_csrf", TestBrowser.csrf(page)));
		if (first) {
			// The first second factor: its recovery codes are shown.
			assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
			assertThat(added.body()).contains("recovery-codes");
		}
		else {
			assertThat(TestBrowser.location(added)).endsWith("/account#passkeys");
		}
		return passkey;
	}

	private static String signInOptions(TestBrowser browser) {
		return postOptions(browser, "/login", "/login/passkey/options");
	}

	/** The options JSON from a page's form token. */
	private static String postOptions(TestBrowser browser, String pagePath, String optionsPath) {
		String page = browser.get(base + pagePath).body();
		HttpResponse<String> options = browser.postForm(base + optionsPath, Map.of(), "X-CSRF-TOKEN",
				TestBrowser.csrf(page));
		assertThat(options.statusCode()).as(options.body()).isEqualTo(200);
		return options.body();
	}

	private static HttpResponse<String> signIn(TestBrowser browser, String credential) {
		return signInAt(base, browser, credential);
	}

	private static HttpResponse<String> signInAt(String node, TestBrowser browser, String credential) {
		String page = browser.get(node + "/login").body();
		return browser.postForm(node + "/login/passkey",
				Map.of("credential", credential, "_csrf", TestBrowser.csrf(page)));
	}

	/** Sign-in options from the given node. */
	private static String optionsAt(String node, TestBrowser browser) {
		String page = browser.get(node + "/login").body();
		HttpResponse<String> options = browser.postForm(node + "/login/passkey/options", Map.of(), "X-CSRF-TOKEN",
				TestBrowser.csrf(page));
		assertThat(options.statusCode()).as(options.body()).isEqualTo(200);
		return options.body();
	}

	private static HttpResponse<String> secondFactor(TestBrowser browser, String credential) {
		String page = browser.get(base + "/login/second-factor").body();
		return browser.postForm(base + "/login/second-factor/passkey",
				Map.of("credential", credential, "_csrf", TestBrowser.csrf(page)));
	}

	private static String password(String username) {
		return username + "-password-for-passkey-ceremonies";
	}

}
