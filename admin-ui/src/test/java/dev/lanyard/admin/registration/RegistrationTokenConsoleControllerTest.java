package dev.lanyard.admin.registration;

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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@link RegistrationTokenConsoleController}: the usable tokens, a new one shown once, a
 * refused form kept, and revocation — in both languages' words.
 */
@AdminConsoleWebMvcTest
class RegistrationTokenConsoleControllerTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryRegistrationTokenAdministration tokens;

	@Test
	void listWhenTokensThenEachWithoutItsValue() throws Exception {
		this.mvc.perform(get("/admin/registration-tokens"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Team billing")))
			.andExpect(content().string(containsString("/connect/register")))
			.andExpect(content().string(not(containsString("lyit_"))));
	}

	@Test
	void createWhenInRangeThenValueShownOnceAndCreatorRecorded() throws Exception {
		this.mvc
			.perform(post("/admin/registration-tokens").param("description", " Team billing CI ")
				.param("uses", "5")
				.param("days", "7")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString(InMemoryRegistrationTokenAdministration.VALUE)))
			.andExpect(content().string(containsString("shown only this once")))
			.andExpect(content().string(containsString("Team billing CI")));
		assertThat(this.tokens.actors()).containsExactly(TestAdminIdentity.ACTOR);
		this.mvc.perform(get("/admin/registration-tokens"))
			.andExpect(content().string(not(containsString(InMemoryRegistrationTokenAdministration.VALUE))));
	}

	@Test
	void createWhenOutOfRangeOrNotANumberThenRefusedAndInputKept() throws Exception {
		for (String uses : new String[] { "0", "1001", "many" }) {
			this.mvc
				.perform(post("/admin/registration-tokens").param("description", "keep me")
					.param("uses", uses)
					.param("days", "1")
					.param("confirmPassword", TestAdminIdentity.PASSWORD)
					.with(csrf()))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("1 to 1000 registrations")))
				.andExpect(content().string(containsString("value=\"keep me\"")));
		}
		// More days than a duration holds (HD-08: this was a 500), none, too many.
		for (String days : new String[] { "999999999999999", "0", "31", "soon" }) {
			this.mvc
				.perform(post("/admin/registration-tokens").param("description", "keep me")
					.param("uses", "1")
					.param("days", days)
					.param("confirmPassword", TestAdminIdentity.PASSWORD)
					.with(csrf()))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("value=\"keep me\"")));
		}
		assertThat(this.tokens.untouched()).isTrue();
	}

	@Test
	void createWhenPasswordWrongThenNothingCreated() throws Exception {
		this.mvc
			.perform(post("/admin/registration-tokens").param("description", "ci")
				.param("uses", "1")
				.param("days", "1")
				.param("confirmPassword", "wrong")
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(not(containsString(InMemoryRegistrationTokenAdministration.VALUE))));
		assertThat(this.tokens.untouched()).isTrue();
	}

	@Test
	void revokeWhenTokenThenGoneAndNotice() throws Exception {
		this.mvc.perform(post("/admin/registration-tokens/t-1/revoke").with(csrf()))
			.andExpect(redirectedUrl("/admin/registration-tokens?revoked"));
		assertThat(this.tokens.usable()).isEmpty();
		this.mvc.perform(get("/admin/registration-tokens").header("Accept-Language", "zh-CN").param("revoked", ""))
			.andExpect(content().string(containsString("令牌已撤销")));
	}

}
