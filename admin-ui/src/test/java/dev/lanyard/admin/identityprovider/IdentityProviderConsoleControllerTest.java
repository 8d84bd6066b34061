package dev.lanyard.admin.identityprovider;

import java.util.List;
import java.util.Map;

import dev.lanyard.admin.AdminConsoleWebMvcTest;
import dev.lanyard.admin.TestAdminIdentity;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@link IdentityProviderConsoleController}: the list with each callback, adding and
 * changing a provider (the secret write-only, the password asked again), a refusal shown
 * with the input kept, removal; and the user page's linked identities.
 */
@AdminConsoleWebMvcTest
class IdentityProviderConsoleControllerTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryIdentityProviderAdministration providers;

	@Test
	void listWhenProvidersThenEachWithCallbackAndTheFormFilledToChangeOne() throws Exception {
		this.mvc.perform(get("/admin/identity-providers"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Corporate sign-in")))
			.andExpect(content().string(containsString("/login/federated/corp")));
		this.mvc.perform(get("/admin/identity-providers").param("edit", "corp"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("tenant=org_id")))
			.andExpect(content().string(containsString("value=\"https://login.corp.example\"")))
			.andExpect(content().string(containsString("Leave empty to keep the stored secret")));
	}

	/**
	 * The form carries the version it showed; a save after someone else's change (a
	 * provider disabled in an incident) is refused with a message, nothing saved.
	 */
	@Test
	void saveWhenChangedSinceTheFormWasShownThenRefusedAndNothingSaved() throws Exception {
		this.mvc.perform(get("/admin/identity-providers").param("edit", "corp"))
			.andExpect(content().string(containsString("name=\"version\" value=\"2026-02-01T00:00:00Z\"")));
		for (String version : List.of("2026-01-31T00:00:00Z", "not-a-time")) {
			this.mvc
				.perform(post("/admin/identity-providers").param("id", "corp")
					.param("editing", "true")
					.param("version", version)
					.param("displayName", "Corporate sign-in")
					.param("issuer", "https://login.corp.example")
					.param("clientId", "lanyard")
					.param("enabled", "true")
					.param("confirmPassword", TestAdminIdentity.PASSWORD)
					.with(csrf()))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("someone changed this provider since this page was shown")));
		}
		assertThat(this.providers.saved()).isEmpty();
		this.mvc
			.perform(post("/admin/identity-providers").param("id", "corp")
				.param("editing", "true")
				.param("version", "2026-02-01T00:00:00Z")
				.param("displayName", "Corporate sign-in")
				.param("issuer", "https://login.corp.example")
				.param("clientId", "lanyard")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/identity-providers?saved"));
		assertThat(this.providers.saved()).singleElement()
			.satisfies((saved) -> assertThat(saved.seenAt()).hasToString("2026-02-01T00:00:00Z"));
	}

	@Test
	void draftWhenListsHoldNullsThenLeftOut() {
		IdentityProviderAdministration.ProviderDraft draft = new IdentityProviderAdministration.ProviderDraft("x", "X",
				"https://x.example", null, null, null, null, "c", null, null, java.util.Arrays.asList("openid", null),
				false, false, java.util.Arrays.asList((String) null), java.util.Collections.singletonMap("a", null),
				false, false, true, null);
		assertThat(draft.scopes()).containsExactly("openid");
		assertThat(draft.defaultRoles()).isEmpty();
		assertThat(draft.claimMappings()).isEmpty();
	}

	@Test
	void saveWhenPasswordConfirmedThenDraftAsTypedWithNoSecretWhenLeftEmpty() throws Exception {
		this.mvc
			.perform(post("/admin/identity-providers").param("id", "github")
				.param("displayName", "GitHub")
				.param("authorizationUri", "https://github.com/login/oauth/authorize")
				.param("tokenUri", "https://github.com/login/oauth/access_token")
				.param("userInfoUri", "https://api.github.com/user")
				.param("subjectAttribute", "id")
				.param("clientId", "abc")
				.param("clientSecret", "")
				.param("scopes", "read:user, user:email")
				.param("defaultRoles", "user developer")
				.param("claimMappings", "name=name\n\ntenant = company\n")
				.param("createUsers", "true")
				.param("enabled", "true")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/identity-providers?saved"));
		assertThat(this.providers.saved()).singleElement().satisfies((draft) -> {
			assertThat(draft.id()).isEqualTo("github");
			assertThat(draft.issuer()).isNull();
			assertThat(draft.clientSecret()).isNull();
			assertThat(draft.scopes()).containsExactly("read:user", "user:email");
			assertThat(draft.defaultRoles()).containsExactly("user", "developer");
			assertThat(draft.claimMappings()).isEqualTo(Map.of("name", "name", "tenant", "company"));
			assertThat(draft.createUsers()).isTrue();
			assertThat(draft.linkByVerifiedEmail()).isFalse();
			assertThat(draft.enabled()).isTrue();
		});
		assertThat(this.providers.actors()).containsExactly(TestAdminIdentity.ACTOR);
	}

	@Test
	void saveWhenPasswordWrongOrRuleBrokenThenNothingSavedAndInputKept() throws Exception {
		this.mvc
			.perform(post("/admin/identity-providers").param("id", "corp2")
				.param("displayName", "Keep me")
				.param("issuer", "https://login.example")
				.param("clientId", "x")
				.param("confirmPassword", "wrong")
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("That is not your password")))
			.andExpect(content().string(containsString("value=\"Keep me\"")));
		this.mvc
			.perform(post("/admin/identity-providers").param("id", "corp2")
				.param("displayName", "Keep me")
				.param("clientId", "x")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isOk())
			// The rule's words are the server's messages; here its field and the notice.
			.andExpect(content().string(containsString("Some fields need your attention")))
			.andExpect(content().string(containsString("issuer: ")))
			.andExpect(content().string(containsString("value=\"Keep me\"")));
		assertThat(this.providers.saved()).isEmpty();
	}

	/**
	 * Adding a provider with the id of one that exists is refused: it would replace that
	 * provider, keeping its secret. Changing it goes through its own form.
	 */
	@Test
	void saveWhenNewProviderTakesAnExistingIdThenRefused() throws Exception {
		this.mvc
			.perform(post("/admin/identity-providers").param("id", "corp")
				.param("displayName", "Look-alike")
				.param("issuer", "https://login.elsewhere.example")
				.param("clientId", "x")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("a provider has this id")));
		assertThat(this.providers.saved()).isEmpty();
		this.mvc
			.perform(post("/admin/identity-providers").param("id", "corp")
				.param("editing", "true")
				.param("displayName", "Corporate")
				.param("issuer", "https://login.corp.example")
				.param("clientId", "x")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().is3xxRedirection());
		assertThat(this.providers.saved()).hasSize(1);
	}

	@Test
	void deleteWhenPasswordConfirmedThenRemoved() throws Exception {
		this.mvc.perform(post("/admin/identity-providers/corp/delete").param("confirmPassword", "wrong").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("That is not your password")));
		assertThat(this.providers.list()).hasSize(1);
		this.mvc
			.perform(post("/admin/identity-providers/corp/delete").param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/identity-providers?deleted"));
		assertThat(this.providers.list()).isEmpty();
	}

	@Test
	void userPageWhenLinkedThenListedAndUnlinked() throws Exception {
		this.mvc.perform(get("/admin/users/" + InMemoryIdentityProviderAdministration.USER_ID))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("alice@corp.example")))
			.andExpect(content().string(containsString("Unlink Corporate sign-in")));
		this.mvc
			.perform(post("/admin/users/" + InMemoryIdentityProviderAdministration.USER_ID + "/identities/corp/unlink")
				.with(csrf()))
			.andExpect(redirectedUrl(
					"/admin/users/" + InMemoryIdentityProviderAdministration.USER_ID + "?identity-unlinked"));
		assertThat(this.providers.linksOf(InMemoryIdentityProviderAdministration.USER_ID)).isEqualTo(List.of());
	}

	@Test
	void providerFormWhenPrintedThenNoClientSecret() {
		IdentityProviderConsoleController.ProviderForm form = new IdentityProviderConsoleController.ProviderForm(
				"upstream", "Upstream", "https://idp.example.com", "", "", "", "", "lanyard",
				"upstream-client-secret-value", "", "openid", false, false, "", "", false, false, true, "");
		assertThat(form.toString()).contains("upstream").doesNotContain("upstream-client-secret-value");
	}

}
