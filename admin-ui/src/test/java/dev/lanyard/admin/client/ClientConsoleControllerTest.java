package dev.lanyard.admin.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.lanyard.admin.AdminConsoleWebMvcTest;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.TestAdminIdentity;
import dev.lanyard.admin.client.InMemoryClientAdministration.Search;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.validation.BindingResult;

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
 * {@link ClientConsoleController}: listing, registering (secret shown once), changing,
 * new secrets and deleting, with the password asked again where
 * {@link dev.lanyard.admin.ConfirmationRules} says so.
 */
@AdminConsoleWebMvcTest
class ClientConsoleControllerTest {

	private static final String BOOLEAN_UNREADABLE = "This choice can only be on or off, so nothing was saved. Choose again.";

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryClientAdministration clients;

	@Autowired
	private TestAdminIdentity identity;

	@Test
	void listWhenSearchedThenMatchingClientsAndQueryKept() throws Exception {
		this.mvc.perform(get("/admin/clients").param("q", "web"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/clients"))
			.andExpect(content().string(containsString("<code>web-app</code>")))
			.andExpect(content().string(containsString("<td>confidential</td>")))
			.andExpect(content().string(not(containsString("<code>spa</code>"))))
			.andExpect(content().string(containsString("id=\"q\" name=\"q\" type=\"search\" value=\"web\"")));
		assertThat(this.clients.searches()).containsExactly(new Search("web", 0, 20));
	}

	@Test
	void listWhenManyClientsThenPagerAndNegativePageAsFirst() throws Exception {
		IntStream.range(0, 43)
			.forEach((i) -> this.clients.save(TestClientViews.confidentialClient("bulk-" + i).build()));
		this.mvc.perform(get("/admin/clients").param("page", "-4"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Page 1 of 3")))
			.andExpect(content().string(containsString("href=\"/admin/clients?q=&amp;page=1\"")))
			.andExpect(content().string(not(containsString(">Previous<"))));
		this.mvc.perform(get("/admin/clients").param("page", "2"))
			.andExpect(content().string(containsString("Page 3 of 3")))
			.andExpect(content().string(containsString("href=\"/admin/clients?q=&amp;page=1\">Previous")))
			.andExpect(content().string(not(containsString(">Next<"))));
		assertThat(this.clients.searches()).extracting(Search::page).containsExactly(0, 2);
	}

	@Test
	void listWhenPageIsNotANumberThenBadRequest() throws Exception {
		this.mvc.perform(get("/admin/clients").param("page", "nope")).andExpect(status().isBadRequest());
		assertThat(this.clients.searches()).isEmpty();
	}

	@Test
	void listWhenDeletedThenNotice() throws Exception {
		this.mvc.perform(get("/admin/clients").param("deleted", ""))
			.andExpect(content().string(containsString("The client was deleted.")));
		this.mvc.perform(get("/admin/clients"))
			.andExpect(content().string(not(containsString("The client was deleted."))));
	}

	@Test
	void newClientWhenOpenedThenDefaultsAndEveryGrantTypeOffered() throws Exception {
		String page = this.mvc.perform(get("/admin/clients/new"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attribute("creating", true))
			.andExpect(model().attribute("grantTypeChoices", ClientConsoleController.GRANT_TYPES))
			.andExpect(content().string(containsString("<h1>Register a client</h1>")))
			.andExpect(content().string(containsString("name=\"scopes\" value=\"openid profile email\"")))
			// Nothing to delete or regenerate yet.
			.andExpect(content().string(not(containsString("Generate a new secret"))))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(page).containsPattern(checked("authorization_code"))
			.containsPattern(checked("refresh_token"))
			.contains("value=\"urn:ietf:params:oauth:grant-type:token-exchange\"")
			.doesNotContainPattern(checked("client_credentials"))
			.contains("name=\"requirePkce\" value=\"true\" checked=\"checked\"")
			.doesNotContain("name=\"requireConsent\" value=\"true\" checked");
	}

	@Test
	void createWhenNoRedirectUriThenRegisteredWithoutPasswordAndSecretShownOnce() throws Exception {
		MultiValueMap<String, String> form = form("  machine  ", "");
		form.put("grantTypes", List.of("client_credentials"));
		form.set("scopes", " orders.read   orders.write ");
		form.set("accessTokenTtl", "5m");
		form.set("refreshTokenMax", "");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-secret"))
			.andExpect(model().attribute("secret", InMemoryClientAdministration.CREATED_SECRET))
			.andExpect(content().string(containsString("id=\"client-secret\" type=\"text\" readonly value=\""
					+ InMemoryClientAdministration.CREATED_SECRET + "\"")))
			.andExpect(content().string(containsString("It is shown only this once")))
			.andExpect(content().string(containsString("<code id=\"client-id\">machine</code>")));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.clients.created()).singleElement().satisfies((draft) -> {
			assertThat(draft.clientId()).isEqualTo("machine");
			assertThat(draft.publicClient()).isFalse();
			assertThat(draft.clientSecret()).isNull();
			assertThat(draft.redirectUris()).isEmpty();
			assertThat(draft.grantTypes()).containsExactly("client_credentials");
			assertThat(draft.scopes()).containsExactlyInAnyOrder("orders.read", "orders.write");
			assertThat(draft.accessTokenTtl()).isEqualTo(Duration.ofMinutes(5));
			assertThat(draft.refreshTokenIdle()).isEqualTo(Duration.ofHours(8));
			assertThat(draft.refreshTokenMax()).isNull();
		});
		assertThat(this.clients.actors()).containsExactly(TestAdminIdentity.ACTOR);
	}

	/** OA-54: the form registers a private_key_jwt client with its keys, no secret. */
	@Test
	void createWhenPrivateKeyJwtThenMethodAndKeysInDraft() throws Exception {
		MultiValueMap<String, String> form = form("signed", "");
		form.put("grantTypes", List.of("client_credentials"));
		form.set("tokenEndpointAuthMethod", "private_key_jwt");
		form.set("jwks", "  ");
		form.set("jwksUri", " https://keys.example/jwks.json ");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf())).andExpect(status().isOk());
		assertThat(this.clients.created()).singleElement().satisfies((draft) -> {
			assertThat(draft.publicClient()).isFalse();
			assertThat(draft.tokenEndpointAuthMethod()).isEqualTo("private_key_jwt");
			assertThat(draft.jwks()).isNull();
			assertThat(draft.jwksUri()).isEqualTo("https://keys.example/jwks.json");
		});
	}

	@Test
	void createWhenPublicClientThenNoSecretShown() throws Exception {
		MultiValueMap<String, String> form = form("mobile", "");
		form.set("type", "public");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-secret"))
			.andExpect(content().string(containsString("<dd>public</dd>")))
			.andExpect(content().string(not(containsString("id=\"client-secret\""))));
		assertThat(this.clients.created()).singleElement()
			.satisfies((draft) -> assertThat(draft.publicClient()).isTrue());
	}

	/** A client that can receive codes at a redirect URI needs the password again. */
	@Test
	void createWhenRedirectUriAndPasswordWrongThenAskedAgainWithInputKept() throws Exception {
		MultiValueMap<String, String> form = form("shop", "https://shop.example/cb");
		form.set("clientName", "The Shop");
		form.set("confirmPassword", "not-my-password");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "confirmPassword", "confirm-password.wrong"))
			.andExpect(content().string(containsString("That is not your password.")))
			.andExpect(content().string(containsString("name=\"clientId\" value=\"shop\"")))
			.andExpect(content().string(containsString("name=\"clientName\" value=\"The Shop\"")))
			.andExpect(content().string(containsString(">https://shop.example/cb</textarea>")))
			// The password typed is never echoed back.
			.andExpect(content().string(not(containsString("not-my-password"))));
		assertThat(this.identity.confirmations()).containsExactly("not-my-password");
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void createWhenRedirectUriAndPasswordConfirmedThenRegistered() throws Exception {
		MultiValueMap<String, String> form = form("shop", "https://shop.example/cb\n\n  https://shop.example/cb2 ");
		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-secret"));
		assertThat(this.clients.created()).singleElement()
			.satisfies((draft) -> assertThat(draft.redirectUris()).containsExactly("https://shop.example/cb",
					"https://shop.example/cb2"));
	}

	@Test
	void createWhenAdminScopeWithoutPasswordThenNotRegistered() throws Exception {
		MultiValueMap<String, String> form = form("robot", "");
		form.put("grantTypes", List.of("client_credentials"));
		form.set("scopes", "admin");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "confirmPassword", "confirm-password.wrong"));
		assertThat(this.identity.confirmations()).containsExactly((String) null);
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void createWhenServerRefusesInputThenErrorsNextToFieldsAndInputKept() throws Exception {
		this.clients
			.refuseNext(new InvalidInputException(List.of(new FieldProblem("redirect_uris", "redirect-uri.fragment"),
					new FieldProblem("access_token_ttl", "duration.format"),
					new FieldProblem("software_statement", "software-statement.unsupported"))));
		MultiValueMap<String, String> form = form("shop", "https://shop.example/cb#fragment");
		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		MvcResult result = this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "redirectUris", "redirect-uri.fragment"))
			.andExpect(model().attributeHasFieldErrorCode("form", "accessTokenTtl", "duration.format"))
			.andExpect(content().string(containsString("Some fields need your attention.")))
			.andExpect(content().string(containsString("Write a duration such as 15m, 8h or 30d.")))
			.andExpect(content().string(containsString(">https://shop.example/cb#fragment</textarea>")))
			.andReturn();
		// A rule about a field the form does not have is still reported, above the form.
		assertThat(binding(result).getGlobalErrors()).singleElement()
			.satisfies((error) -> assertThat(error.getCode()).isEqualTo("software-statement.unsupported"));
		assertThat(result.getResponse().getContentAsString()).contains("software-statement.unsupported");
	}

	@Test
	void createWhenClientIdTakenThenErrorOnClientId() throws Exception {
		this.clients.refuseNext(new ConflictException("client_id", "taken"));
		this.mvc.perform(post("/admin/clients/new").params(form("web-app", "")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "clientId", "client-id.taken"))
			.andExpect(content().string(containsString("A client with this id already exists.")))
			.andExpect(content().string(containsString("aria-describedby=\"clientId-error\"")));
	}

	@Test
	void createWhenDurationUnreadableThenErrorOnThatFieldAndNothingAsked() throws Exception {
		MultiValueMap<String, String> form = form("shop", "https://shop.example/cb");
		form.set("refreshTokenIdle", "a while");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "refreshTokenIdle", "duration.format"))
			.andExpect(content().string(containsString("name=\"refreshTokenIdle\" value=\"a while\"")))
			.andExpect(content().string(containsString("Write a duration such as 15m, 8h or 30d.")));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.clients.untouched()).isTrue();
	}

	/**
	 * A checkbox posted as neither true nor false (a hand-made request) is refused next
	 * to that checkbox: saving the form's default instead would change what was not asked
	 * for. The password is not checked, so no guess is spent.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "requirePkce", "requireConsent", "introspectionAllowed", "dpopBoundAccessTokens",
			"requireMfa", "enabled" })
	void createWhenCheckboxValueUnreadableThenErrorNextToItInputKeptAndNothingAsked(String checkbox) throws Exception {
		MultiValueMap<String, String> form = form("shop", "https://shop.example/cb");
		form.set("clientName", "The Shop");
		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		form.set(checkbox, "maybe");
		MvcResult result = this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attribute("creating", true))
			.andExpect(model().attributeHasFieldErrorCode("form", checkbox, "typeMismatch"))
			.andExpect(content().string(containsString("Some fields need your attention.")))
			.andExpect(content().string(not(containsString("Failed to convert"))))
			.andExpect(content().string(containsString("name=\"clientId\" value=\"shop\"")))
			.andExpect(content().string(containsString("name=\"clientName\" value=\"The Shop\"")))
			.andExpect(content().string(containsString(">https://shop.example/cb</textarea>")))
			.andExpect(content().string(not(containsString(TestAdminIdentity.PASSWORD))))
			.andReturn();
		assertThat(result.getResponse().getContentAsString())
			.containsPattern(errorAfterCheckbox(checkbox, BOOLEAN_UNREADABLE));
		assertThat(binding(result).getErrorCount()).isOne();
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void createWhenCheckboxValueUnreadableAndChineseThenChineseMessage() throws Exception {
		MultiValueMap<String, String> form = form("machine", "");
		form.set("enabled", "x");
		this.mvc.perform(post("/admin/clients/new").params(form).header("Accept-Language", "zh-CN").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("此选项只能是开启或关闭，因此未保存任何内容。请重新选择。")))
			.andExpect(content().string(not(containsString("??"))));
		assertThat(this.clients.untouched()).isTrue();
	}

	/**
	 * A refusal that names no rule must still say that nothing was saved, not show the
	 * form again as if nothing had happened.
	 */
	@Test
	void createWhenServerRefusesWithoutAProblemThenGenericErrorAboveFormAndInputKept() throws Exception {
		this.clients.refuseNext(new InvalidInputException(List.of()));
		MvcResult result = this.mvc.perform(post("/admin/clients/new").params(form("machine", "")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(content().string(containsString("Some fields need your attention.")))
			.andExpect(content().string(containsString(
					"<p class=\"field-error\">The input was refused and nothing was saved. Check it and try again.</p>")))
			.andExpect(content().string(containsString("name=\"clientId\" value=\"machine\"")))
			.andReturn();
		assertThat(binding(result).getAllErrors()).singleElement()
			.satisfies((error) -> assertThat(error.getCode()).isEqualTo("input.invalid"));
		assertThat(this.clients.untouched()).isTrue();
	}

	/** A rule that names no field is reported above the form. */
	@Test
	void createWhenServerRefusesWithoutNamingAFieldThenErrorAboveForm() throws Exception {
		this.clients.refuseNext(new InvalidInputException(List.of(new FieldProblem(null, "duration.format"))));
		MvcResult result = this.mvc.perform(post("/admin/clients/new").params(form("machine", "")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(content().string(containsString("Write a duration such as 15m, 8h or 30d.")))
			.andReturn();
		assertThat(binding(result).getGlobalErrors()).singleElement()
			.satisfies((error) -> assertThat(error.getCode()).isEqualTo("duration.format"));
	}

	@Test
	void editWhenConfidentialClientThenFormFromClientWithSecretAndDeleteActions() throws Exception {
		this.mvc.perform(get("/admin/clients/web-app"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attribute("creating", false))
			.andExpect(content().string(containsString("<h1>Client web-app</h1>")))
			.andExpect(content().string(containsString("readonly=\"readonly\"")))
			.andExpect(content().string(containsString("name=\"clientId\" value=\"web-app\"")))
			.andExpect(content().string(containsString(">https://app.example/callback</textarea>")))
			.andExpect(content().string(containsString("name=\"accessTokenTtl\" value=\"15m\"")))
			.andExpect(content().string(containsString("name=\"refreshTokenMax\" value=\"30d\"")))
			.andExpect(content().string(containsString(
					"value=\"confidential\" disabled=\"disabled\" id=\"type1\" name=\"type\" checked=\"checked\"")))
			.andExpect(content()
				.string(containsString("value=\"public\" disabled=\"disabled\" id=\"type2\" name=\"type\">")))
			.andExpect(content().string(containsString("action=\"/admin/clients/web-app/secret\"")))
			.andExpect(content().string(containsString("href=\"/admin/clients/web-app/delete\"")))
			.andExpect(content().string(containsString("href=\"/admin/sessions?client=web-app\"")));
	}

	@Test
	void editWhenPublicClientThenNoSecretToRegenerate() throws Exception {
		this.mvc.perform(get("/admin/clients/spa"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Public clients have no secret.")))
			.andExpect(content().string(not(containsString("/admin/clients/spa/secret"))));
	}

	@Test
	void editWhenSavedThenNotice() throws Exception {
		this.mvc.perform(get("/admin/clients/web-app").param("saved", ""))
			.andExpect(content().string(containsString("Saved.")));
	}

	@Test
	void editWhenNoSuchClientThenNotFoundPage() throws Exception {
		this.mvc.perform(get("/admin/clients/nobody"))
			.andExpect(status().isNotFound())
			.andExpect(view().name("admin/not-found"))
			.andExpect(content().string(containsString("<h1>Not found</h1>")));
	}

	@Test
	void updateWhenHarmlessChangeThenSavedWithoutPasswordAndRedirected() throws Exception {
		MultiValueMap<String, String> form = webAppForm();
		form.set("clientName", "Web App (renamed)");
		form.set("logoUri", " https://app.example.com/logo.svg ");
		this.mvc.perform(post("/admin/clients/web-app").params(form).with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/clients/web-app?saved"));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.clients.updated()).containsOnlyKeys("web-app");
		assertThat(this.clients.updated().get("web-app").clientName()).isEqualTo("Web App (renamed)");
		assertThat(this.clients.updated().get("web-app").logoUri()).isEqualTo("https://app.example.com/logo.svg");
	}

	@Test
	void updateWhenRedirectUriChangedWithoutPasswordThenAskedAndNotSaved() throws Exception {
		MultiValueMap<String, String> form = webAppForm();
		form.set("redirectUris", "https://evil.example/cb");
		this.mvc.perform(post("/admin/clients/web-app").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "confirmPassword", "confirm-password.wrong"))
			.andExpect(content().string(containsString(">https://evil.example/cb</textarea>")));
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void updateWhenWidenedAndPasswordConfirmedThenSaved() throws Exception {
		MultiValueMap<String, String> form = webAppForm();
		form.put("grantTypes", List.of("authorization_code", "refresh_token", "client_credentials"));
		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		this.mvc.perform(post("/admin/clients/web-app").params(form).with(csrf()))
			.andExpect(redirectedUrl("/admin/clients/web-app?saved"));
		assertThat(this.clients.updated().get("web-app").grantTypes()).containsExactlyInAnyOrder("authorization_code",
				"refresh_token", "client_credentials");
	}

	/**
	 * The type cannot change: its radio buttons are disabled and so not posted, and a
	 * posted one is ignored.
	 */
	@Test
	void updateWhenTypeMissingOrPostedThenTypeOfTheClientKept() throws Exception {
		MultiValueMap<String, String> form = form("spa", "http://127.0.0.1:8765/callback");
		form.remove("type");
		form.set("clientName", "Single Page App");
		this.mvc.perform(post("/admin/clients/spa").params(form).with(csrf()))
			.andExpect(redirectedUrl("/admin/clients/spa?saved"));
		assertThat(this.clients.updated().get("spa").publicClient()).isTrue();

		MultiValueMap<String, String> retyped = webAppForm();
		retyped.set("type", "public");
		retyped.set("clientId", "spa");
		this.mvc.perform(post("/admin/clients/web-app").params(retyped).with(csrf()))
			.andExpect(redirectedUrl("/admin/clients/web-app?saved"));
		assertThat(this.clients.updated().get("web-app").publicClient()).isFalse();
		assertThat(this.clients.updated().get("web-app").clientId()).isEqualTo("web-app");
		assertThat(this.identity.confirmations()).isEmpty();
	}

	@Test
	void updateWhenServerRefusesThenErrorNextToFieldAndPageStays() throws Exception {
		this.clients.refuseNext(new InvalidInputException("grant_types", "grant-type.public-client"));
		this.mvc.perform(post("/admin/clients/web-app").params(webAppForm()).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "grantTypes", "grant-type.public-client"))
			.andExpect(content().string(containsString("class=\"field-error\"")));
	}

	/**
	 * A checkbox posted as neither true nor false would otherwise save the form's default
	 * (not the client's value) without a word.
	 */
	@ParameterizedTest
	@CsvSource({ "requirePkce, maybe", "requireConsent, nope", "introspectionAllowed, 2",
			"dpopBoundAccessTokens, sometimes", "enabled, x" })
	void updateWhenCheckboxValueUnreadableThenErrorNextToItAndClientUnchanged(String checkbox, String value)
			throws Exception {
		MultiValueMap<String, String> form = webAppForm();
		form.set("clientName", "Web App (renamed)");
		form.set(checkbox, value);
		MvcResult result = this.mvc.perform(post("/admin/clients/web-app").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attribute("creating", false))
			.andExpect(model().attributeHasFieldErrorCode("form", checkbox, "typeMismatch"))
			.andExpect(content().string(containsString("<h1>Client web-app</h1>")))
			.andExpect(content().string(containsString("name=\"clientName\" value=\"Web App (renamed)\"")))
			.andExpect(content().string(containsString("action=\"/admin/clients/web-app/secret\"")))
			.andReturn();
		assertThat(result.getResponse().getContentAsString())
			.containsPattern(errorAfterCheckbox(checkbox, BOOLEAN_UNREADABLE));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void updateWhenServerRefusesWithoutAProblemThenGenericErrorAboveForm() throws Exception {
		this.clients.refuseNext(new InvalidInputException(List.of()));
		this.mvc.perform(post("/admin/clients/web-app").params(webAppForm()).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attributeHasErrors("form"))
			.andExpect(content().string(containsString("The input was refused and nothing was saved.")));
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void updateWhenNoSuchClientThenNotFoundAndNothingSaved() throws Exception {
		this.mvc.perform(post("/admin/clients/nobody").params(webAppForm()).with(csrf()))
			.andExpect(status().isNotFound())
			.andExpect(view().name("admin/not-found"));
		assertThat(this.clients.untouched()).isTrue();
	}

	/**
	 * A client that signs with its own key, or a public one, has no secret: its page
	 * offers none, and a request for one (made up, or from a page of before the client
	 * changed) gets the page again, not the error the core answers (a 500).
	 */
	@Test
	void regenerateSecretWhenClientHasNoSecretThenNotOfferedAndRefusedWithThePage() throws Exception {
		this.clients
			.save(TestClientViews.confidentialClient("signer").tokenEndpointAuthMethod("private_key_jwt").build());
		this.mvc.perform(get("/admin/clients/signer"))
			.andExpect(content().string(not(containsString("Generate a new secret"))))
			.andExpect(content().string(containsString("has no secret")));
		for (String clientId : List.of("signer", "spa")) {
			this.mvc
				.perform(post("/admin/clients/" + clientId + "/secret")
					.param("confirmPassword", TestAdminIdentity.PASSWORD)
					.with(csrf()))
				.andExpect(status().isOk())
				.andExpect(view().name("admin/client-form"));
		}
		assertThat(this.clients.regenerated()).isEmpty();
	}

	/**
	 * HD-08: a list field sent with an index past what the binder grows lists to (256),
	 * which no form sends: a page saying nothing changed. It was a 500.
	 */
	@Test
	void createWhenListFieldIndexedPastTheLimitThenBadRequestPageAndNothingChanged() throws Exception {
		MultiValueMap<String, String> form = form("indexed", "");
		form.put("grantTypes", List.of("client_credentials"));
		form.set("grantTypes[300]", "authorization_code");
		this.mvc.perform(post("/admin/clients/new").params(form).with(csrf()))
			.andExpect(status().isBadRequest())
			.andExpect(view().name("admin/bad-request"))
			.andExpect(content().string(containsString("Nothing was changed.")));
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void regenerateSecretWhenPasswordConfirmedThenNewSecretShownOnce() throws Exception {
		this.mvc
			.perform(post("/admin/clients/web-app/secret").param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-secret"))
			.andExpect(content()
				.string(containsString("value=\"" + InMemoryClientAdministration.REGENERATED_SECRET + "\"")));
		assertThat(this.clients.regenerated()).containsExactly("web-app");
		this.mvc.perform(get("/admin/clients/web-app"))
			.andExpect(content().string(not(containsString(InMemoryClientAdministration.REGENERATED_SECRET))));
	}

	@Test
	void regenerateSecretWhenPasswordWrongThenClientPageWithErrorAndSecretKept() throws Exception {
		this.mvc.perform(post("/admin/clients/web-app/secret").param("confirmPassword", "guess").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-form"))
			.andExpect(model().attribute("secretPasswordWrong", true))
			.andExpect(model().attribute("creating", false))
			.andExpect(content().string(containsString("That is not your password.")))
			.andExpect(content().string(containsString("name=\"clientId\" value=\"web-app\"")));
		assertThat(this.identity.confirmations()).containsExactly("guess");
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void confirmDeleteWhenOpenedThenAsksAndDeletesNothing() throws Exception {
		this.mvc.perform(get("/admin/clients/web-app/delete"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-delete"))
			.andExpect(content().string(containsString("Delete client web-app?")))
			.andExpect(content().string(containsString("action=\"/admin/clients/web-app/delete\"")));
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void deleteWhenPostedWithThePasswordThenDeletedAndBackToList() throws Exception {
		this.mvc
			.perform(post("/admin/clients/web-app/delete").param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/clients?deleted"));
		assertThat(this.clients.deleted()).containsExactly("web-app");
		assertThat(this.clients.actors()).containsExactly(TestAdminIdentity.ACTOR);
	}

	/** HD-07: deleting shuts a client out as disabling does, so it asks the same. */
	@Test
	void deleteWhenPasswordWrongOrMissingThenNothingDeletedAndAskedAgain() throws Exception {
		this.mvc.perform(post("/admin/clients/web-app/delete").param("confirmPassword", "guess").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/client-delete"))
			.andExpect(content().string(containsString("That is not your password.")));
		this.mvc.perform(post("/admin/clients/web-app/delete").with(csrf()))
			.andExpect(view().name("admin/client-delete"));
		assertThat(this.identity.confirmations()).containsExactly("guess", null);
		assertThat(this.clients.untouched()).isTrue();
	}

	@Test
	void deleteWhenNoSuchClientThenNotFound() throws Exception {
		this.mvc.perform(post("/admin/clients/nobody/delete").with(csrf())).andExpect(status().isNotFound());
	}

	@Test
	void pageWhenChineseThenChineseMessages() throws Exception {
		this.mvc
			.perform(post("/admin/clients/new").params(form("shop", "https://shop.example/cb"))
				.header("Accept-Language", "zh-CN")
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<html lang=\"zh-CN\">")))
			.andExpect(content().string(containsString("密码不正确。")))
			.andExpect(content().string(not(containsString("That is not your password."))))
			.andExpect(content().string(not(containsString("??"))));
	}

	/** A field error with this message right after the checkbox it concerns. */
	private static String errorAfterCheckbox(String name, String message) {
		return "name=\"" + name
				+ "\" value=\"true\"[^<]*>(<input type=\"hidden\"[^>]*>)?\\s*<span>[^<]*</span></label>\\s*"
				+ "<p class=\"field-error\">" + Pattern.quote(message) + "</p>";
	}

	/** A checked checkbox with this value. */
	private static String checked(String value) {
		return "value=\"" + Pattern.quote(value) + "\"[^>]*checked=\"checked\"";
	}

	private static BindingResult binding(MvcResult result) {
		return (BindingResult) result.getModelAndView().getModel().get(BindingResult.MODEL_KEY_PREFIX + "form");
	}

	/** The form exactly as the console shows it for {@code web-app}. */
	private static MultiValueMap<String, String> webAppForm() {
		MultiValueMap<String, String> form = form("web-app", "https://app.example/callback");
		form.set("clientName", "Web App");
		form.set("scopes", "email openid profile");
		return form;
	}

	/**
	 * A confidential authorization-code client's form, with the browser's checkbox
	 * markers.
	 */
	private static MultiValueMap<String, String> form(String clientId, String redirectUris) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.setAll(Map.of("clientId", clientId, "clientName", "", "type", "confidential", "redirectUris", redirectUris,
				"postLogoutRedirectUris", "", "scopes", "openid profile", "accessTokenTtl", "15m", "refreshTokenIdle",
				"8h", "refreshTokenMax", "30d", "exchangeAudiences", ""));
		form.put("grantTypes", List.of("authorization_code", "refresh_token"));
		form.set("requirePkce", "true");
		form.set("enabled", "true");
		for (String checkbox : Set.of("grantTypes", "requirePkce", "requireConsent", "introspectionAllowed",
				"enabled")) {
			form.set("_" + checkbox, "on");
		}
		return form;
	}

}
