package dev.lanyard.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
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
		assertHeader(page, link);
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

	/**
	 * The not-found page has the header of every other page: who is signed in, and the
	 * section the missing thing was looked for in. An exception handler's model starts
	 * empty, so the advice must add them itself.
	 */
	@ParameterizedTest
	@CsvSource({ "GET, /admin/clients/nobody, clients, /admin/clients",
			"GET, /admin/clients/nobody/delete, clients, /admin/clients",
			"GET, /admin/users/nobody, users, /admin/users", "POST, /admin/users/nobody/unlock, users, /admin/users",
			"POST, /admin/sessions/revoke?grant=no-such-grant, sessions, /admin/sessions" })
	void pageWhenNoSuchThingThenNotFoundPageWithTheHeaderOfEveryPage(String method, String path, String section,
			String link) throws Exception {
		String page = this.mvc.perform(request(HttpMethod.valueOf(method), path).with(csrf()))
			.andExpect(status().isNotFound())
			.andExpect(view().name("admin/not-found"))
			.andExpect(model().attribute("section", section))
			.andExpect(model().attribute("admin", TestAdminIdentity.ACTOR))
			.andExpect(model().attribute("time", AdminTime.UTC))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertHeader(page, link);
		assertThat(page).contains("<h1>Not found</h1>");
	}

	/** Only {@code link} is marked current, and the administrator's name is shown. */
	private static void assertHeader(String page, String link) {
		assertThat(page).contains("<a href=\"" + link + "\" aria-current=\"page\" class=\"current\">");
		assertThat(page.split("aria-current=", -1)).hasSize(2);
		// Who is signed in, next to the way out.
		assertThat(page).contains("<span>" + TestAdminIdentity.NAME + "</span>");
	}

}
