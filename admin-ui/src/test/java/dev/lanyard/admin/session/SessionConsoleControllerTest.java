package dev.lanyard.admin.session;

import dev.lanyard.admin.AdminConsoleWebMvcTest;
import dev.lanyard.admin.TestAdminIdentity;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

/**
 * {@link SessionConsoleController}: active grants per user or per client, and revoking
 * one or all of them, back to the same list.
 */
@AdminConsoleWebMvcTest
class SessionConsoleControllerTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemorySessionAdministration sessions;

	@Test
	void listWhenNoFilterThenActiveCountAndNoTable() throws Exception {
		this.sessions.activeCount(12);
		this.mvc.perform(get("/admin/sessions"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/sessions"))
			.andExpect(model().attributeDoesNotExist("grants"))
			.andExpect(content().string(containsString("Active grants: 12")))
			.andExpect(content().string(not(containsString("<table"))))
			.andExpect(content().string(not(containsString("Revoke all listed"))));
		assertThat(this.sessions.clientLimits()).isEmpty();
	}

	@Test
	void listWhenUserThenTheirGrantsEachRevocable() throws Exception {
		this.mvc.perform(get("/admin/sessions").param("user", "id-bob"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<code>web-app</code>")))
			.andExpect(content().string(containsString("<td>bob</td>")))
			.andExpect(content().string(containsString("<code class=\"chip\">openid</code>")))
			.andExpect(content().string(containsString("<td>2026-03-02 10:15:00 UTC</td>")))
			.andExpect(content().string(containsString("<td>2026-03-02 11:45:30 UTC</td>")))
			.andExpect(content().string(containsString("name=\"grant\" value=\"grant-bob-web\"")))
			.andExpect(content().string(containsString("name=\"user\" value=\"id-bob\"")))
			.andExpect(content().string(containsString("id=\"user\" name=\"user\" type=\"text\" value=\"id-bob\"")))
			.andExpect(content().string(containsString("Revoke all listed")))
			.andExpect(content().string(not(containsString("<code>service</code>"))));
	}

	@Test
	void listWhenClientThenItsGrantsUpToTheLimitWithSubjectForClientGrants() throws Exception {
		this.mvc.perform(get("/admin/sessions").param("client", "service"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<code>service</code>")))
			.andExpect(content().string(containsString("<td>service</td>")))
			.andExpect(content().string(containsString("<code class=\"chip\">orders.read</code>")));
		assertThat(this.sessions.clientLimits()).containsExactly(200);
	}

	@Test
	void listWhenUserHasNoGrantsThenNothingHereAndNoRevokeAll() throws Exception {
		this.mvc.perform(get("/admin/sessions").param("user", "id-nobody"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Nothing here yet.")))
			.andExpect(content().string(not(containsString("Revoke all listed"))));
	}

	@Test
	void listWhenRevokedThenNotice() throws Exception {
		this.mvc.perform(get("/admin/sessions").param("user", "id-bob").param("revoked", ""))
			.andExpect(content().string(containsString("Revoked. The tokens stopped working")));
	}

	@Test
	void revokeWhenPostedThenRevokedAndBackToTheUsersList() throws Exception {
		this.mvc
			.perform(post("/admin/sessions/revoke").param("grant", "grant-bob-web")
				.param("user", "id-bob")
				.param("client", "")
				.with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/sessions?user=id-bob&revoked"));
		assertThat(this.sessions.revoked()).containsExactly("grant-bob-web");
		assertThat(this.sessions.actors()).containsExactly(TestAdminIdentity.ACTOR);
	}

	/** The way back is built from input: it is encoded, so it cannot add parameters. */
	@Test
	void revokeWhenFilterHasSpecialCharactersThenEncodedInRedirect() throws Exception {
		this.sessions.add(TestGrantViews.clientGrant("grant-odd", "odd&client=x y").build());
		this.mvc
			.perform(post("/admin/sessions/revoke").param("grant", "grant-odd")
				.param("client", "odd&client=x y")
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/sessions?client=odd%26client%3Dx+y&revoked"));
	}

	@Test
	void revokeWhenUnknownGrantThenNotFound() throws Exception {
		this.mvc.perform(post("/admin/sessions/revoke").param("grant", "no-such-grant").with(csrf()))
			.andExpect(status().isNotFound())
			.andExpect(view().name("admin/not-found"));
		assertThat(this.sessions.untouched()).isTrue();
	}

	@Test
	void revokeWhenGrantMissingThenBadRequest() throws Exception {
		this.mvc.perform(post("/admin/sessions/revoke").param("user", "id-bob").with(csrf()))
			.andExpect(status().isBadRequest());
		assertThat(this.sessions.untouched()).isTrue();
	}

	@Test
	void revokeAllWhenUserThenEveryGrantOfTheUser() throws Exception {
		this.mvc.perform(post("/admin/sessions/revoke-all").param("user", "id-bob").param("client", "").with(csrf()))
			.andExpect(redirectedUrl("/admin/sessions?user=id-bob&revoked"));
		assertThat(this.sessions.revokedForUser()).containsExactly("id-bob");
		assertThat(this.sessions.revokedForClient()).isEmpty();
	}

	@Test
	void revokeAllWhenClientThenEveryGrantAtTheClient() throws Exception {
		this.mvc.perform(post("/admin/sessions/revoke-all").param("user", "").param("client", "service").with(csrf()))
			.andExpect(redirectedUrl("/admin/sessions?client=service&revoked"));
		assertThat(this.sessions.revokedForClient()).containsExactly("service");
		assertThat(this.sessions.revokedForUser()).isEmpty();
	}

	@Test
	void revokeAllWhenNeitherUserNorClientThenNothingRevoked() throws Exception {
		this.mvc.perform(post("/admin/sessions/revoke-all").param("user", " ").with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/sessions?client=&revoked"));
		assertThat(this.sessions.untouched()).isTrue();
	}

	@Test
	void listWhenChineseThenChineseMessages() throws Exception {
		this.mvc.perform(get("/admin/sessions").param("user", "id-bob").header("Accept-Language", "zh-CN"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("活动授权：2")))
			.andExpect(content().string(not(containsString("??"))));
	}

}
