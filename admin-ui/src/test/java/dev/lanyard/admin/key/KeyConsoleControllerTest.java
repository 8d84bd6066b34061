package dev.lanyard.admin.key;

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
 * {@link KeyConsoleController}: the keys in each state, an ordinary rotation, and the
 * emergency rotation that needs the password again.
 */
@AdminConsoleWebMvcTest
class KeyConsoleControllerTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryKeyAdministration keys;

	@Autowired
	private TestAdminIdentity identity;

	@Test
	void listWhenKeysThenEachWithStateAndTimes() throws Exception {
		this.mvc.perform(get("/admin/keys"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/keys"))
			.andExpect(content().string(containsString("<code>kid-active</code>")))
			.andExpect(content().string(containsString("<span class=\"chip state-active\">active</span>")))
			.andExpect(content().string(containsString("<span class=\"chip state-next\">next</span>")))
			.andExpect(content().string(containsString("<span class=\"chip state-retired\">retired</span>")))
			// The next key's scheduled start.
			.andExpect(content().string(containsString("<td>2026-03-01 06:00:00 UTC</td>")))
			.andExpect(content().string(not(containsString("Rotation asked for"))));
	}

	@Test
	void rotateWhenPostedThenRotatedWithoutPasswordAndRedirected() throws Exception {
		this.mvc.perform(post("/admin/keys/rotate").with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/keys?rotated"));
		assertThat(this.keys.rotations()).containsExactly(TestAdminIdentity.ACTOR);
		assertThat(this.keys.emergencyRotations()).isEmpty();
		assertThat(this.identity.confirmations()).isEmpty();
		this.mvc.perform(get("/admin/keys").param("rotated", ""))
			.andExpect(content().string(containsString("Rotation asked for")));
	}

	@Test
	void rotateInEmergencyWhenPasswordWrongThenKeysPageWithErrorAndNothingWithdrawn() throws Exception {
		this.mvc.perform(post("/admin/keys/rotate-emergency").param("confirmPassword", "guess").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/keys"))
			.andExpect(model().attribute("emergencyPasswordWrong", true))
			.andExpect(content().string(containsString("That is not your password.")))
			.andExpect(content().string(containsString("<code>kid-active</code>")));
		assertThat(this.identity.confirmations()).containsExactly("guess");
		assertThat(this.keys.untouched()).isTrue();
	}

	@Test
	void rotateInEmergencyWhenNoPasswordThenRefused() throws Exception {
		this.mvc.perform(post("/admin/keys/rotate-emergency").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attribute("emergencyPasswordWrong", true));
		assertThat(this.keys.untouched()).isTrue();
	}

	/**
	 * The form names the key, the active one chosen first: sent twice, it withdraws that
	 * key once (the second is told it was already withdrawn), never the key that became
	 * active meanwhile; a retired key can be chosen (a leak found after a rotation).
	 */
	@Test
	void rotateInEmergencyWhenPasswordConfirmedThenTheChosenKeyWithdrawnOnce() throws Exception {
		this.mvc.perform(get("/admin/keys"))
			.andExpect(content().string(containsString("<option value=\"kid-active\" selected=\"selected\">")));
		for (String expected : new String[] { "/admin/keys?emergency", "/admin/keys?already-withdrawn" }) {
			this.mvc
				.perform(post("/admin/keys/rotate-emergency").param("kid", "kid-active")
					.param("confirmPassword", TestAdminIdentity.PASSWORD)
					.with(csrf()))
				.andExpect(status().isFound())
				.andExpect(redirectedUrl(expected));
		}
		this.mvc
			.perform(post("/admin/keys/rotate-emergency").param("kid", "kid-retired")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/keys?emergency"));
		assertThat(this.keys.withdrawn()).containsExactly("kid-active", "kid-retired");
		assertThat(this.keys.emergencyRotations()).containsExactly(TestAdminIdentity.ACTOR, TestAdminIdentity.ACTOR);
		assertThat(this.keys.rotations()).isEmpty();
		this.mvc.perform(get("/admin/keys").param("emergency", ""))
			.andExpect(content().string(containsString("The key was withdrawn")));
		this.mvc.perform(get("/admin/keys").param("already-withdrawn", ""))
			.andExpect(content().string(containsString("already withdrawn")));
	}

	@Test
	void listWhenChineseThenStatesInChinese() throws Exception {
		this.mvc.perform(get("/admin/keys").header("Accept-Language", "zh-CN"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<span class=\"chip state-active\">活动</span>")))
			.andExpect(content().string(not(containsString("??"))));
	}

}
