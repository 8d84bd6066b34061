package dev.lanyard.admin;

import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The console's share of CSRF protection. The server's filter chain checks the token (as
 * the slice's stand-in does here); the console must change nothing on a GET, and build
 * every form with {@code th:action} so that the token is in it.
 */
@AdminConsoleWebMvcTest
class AdminConsoleFormsTest {

	private static final String CORRECT_PASSWORD = TestAdminIdentity.PASSWORD;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ApplicationContext context;

	@ParameterizedTest
	@ValueSource(strings = { "/admin", "/admin/clients", "/admin/clients/new", "/admin/clients/web-app",
			"/admin/clients/web-app/delete", "/admin/users", "/admin/users/new", "/admin/users/id-bob",
			"/admin/sessions?user=id-bob", "/admin/keys", "/admin/audit" })
	void pageWhenRenderedThenEveryPostFormCarriesTheCsrfToken(String path) throws Exception {
		String page = this.mvc.perform(get(path))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		int postForms = count(page, "<form method=\"post\"");
		assertThat(postForms).isPositive();
		assertThat(count(page, "<input type=\"hidden\" name=\"_csrf\"")).isEqualTo(postForms);
		assertThat(page).doesNotContain("method=\"POST\"").doesNotContain("<form action=");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/admin/clients/new", "/admin/clients/web-app", "/admin/clients/web-app/secret",
			"/admin/clients/web-app/delete", "/admin/users/new", "/admin/users/id-bob", "/admin/users/id-bob/password",
			"/admin/users/id-bob/unlock", "/admin/sessions/revoke", "/admin/sessions/revoke-all", "/admin/keys/rotate",
			"/admin/keys/rotate-emergency" })
	void postWhenNoCsrfTokenThenForbiddenAndNothingChanged(String path) throws Exception {
		this.mvc
			.perform(post(path).param("confirmPassword", CORRECT_PASSWORD)
				.param("clientId", "machine")
				.param("username", "erin")
				.param("grant", "grant-bob-web")
				.param("user", "id-bob"))
			.andExpect(status().isForbidden());
		this.mvc
			.perform(post(path).param("confirmPassword", CORRECT_PASSWORD)
				.param("grant", "grant-bob-web")
				.with(csrf().useInvalidToken()))
			.andExpect(status().isForbidden());
		assertNothingChanged();
	}

	@ParameterizedTest
	@CsvSource({ "/admin/clients/web-app/secret, 405", "/admin/clients/web-app/delete, 200",
			"/admin/users/id-bob/password, 405", "/admin/users/id-bob/unlock, 405",
			"/admin/sessions/revoke?grant=grant-bob-web, 405", "/admin/sessions/revoke-all?user=id-bob, 405",
			"/admin/keys/rotate, 405", "/admin/keys/rotate-emergency?confirmPassword=" + CORRECT_PASSWORD + ", 405" })
	void getWhenPathChangesThingsOnPostThenNothingChanged(String path, int status) throws Exception {
		this.mvc.perform(get(path)).andExpect(status().is(status));
		assertNothingChanged();
	}

	private void assertNothingChanged() {
		Map<String, TestDouble> doubles = this.context.getBeansOfType(TestDouble.class);
		assertThat(doubles).hasSizeGreaterThanOrEqualTo(7);
		doubles.forEach((name, port) -> assertThat(port.untouched()).as(name).isTrue());
	}

	private static int count(String text, String part) {
		return text.split(Pattern.quote(part), -1).length - 1;
	}

}
