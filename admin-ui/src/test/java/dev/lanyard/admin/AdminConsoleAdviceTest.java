package dev.lanyard.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

/**
 * {@link AdminConsoleAdvice}: what every console page shares, the signed-in
 * administrator, the current section in the navigation, and the not-found page.
 */
@AdminConsoleWebMvcTest
class AdminConsoleAdviceTest {

	@Autowired
	private MockMvc mvc;

	@ParameterizedTest
	@CsvSource({ "/admin, dashboard, /admin", "/admin/, dashboard, /admin", "/admin/clients, clients, /admin/clients",
			"/admin/clients/web-app, clients, /admin/clients", "/admin/users/new, users, /admin/users",
			"/admin/sessions, sessions, /admin/sessions", "/admin/keys, keys, /admin/keys",
			"/admin/audit, audit, /admin/audit" })
	void pageWhenInASectionThenOnlyThatNavigationLinkIsCurrent(String path, String section, String link)
			throws Exception {
		String page = this.mvc.perform(get(path))
			.andExpect(status().isOk())
			.andExpect(model().attribute("section", section))
			.andExpect(model().attribute("admin", TestAdminIdentity.ACTOR))
			.andExpect(model().attribute("time", AdminTime.UTC))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(page).contains("<a href=\"" + link + "\" aria-current=\"page\" class=\"current\">");
		assertThat(page.split("aria-current=", -1)).hasSize(2);
		// Who is signed in, next to the way out.
		assertThat(page).contains("<span>" + TestAdminIdentity.NAME + "</span>");
	}

	@ParameterizedTest
	@CsvSource({ "/admin/clients/nobody, en, <h1>Not found</h1>", "/admin/users/nobody, en, <h1>Not found</h1>",
			"/admin/clients/nobody/delete, zh-CN, <h1>未找到</h1>" })
	void pageWhenNoSuchThingThenNotFoundPageInTheReadersLanguage(String path, String language, String heading)
			throws Exception {
		String page = this.mvc.perform(get(path).header("Accept-Language", language))
			.andExpect(status().isNotFound())
			.andExpect(view().name("admin/not-found"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(page).contains(heading).contains("<a href=\"/admin\">").doesNotContain("??");
	}

}
