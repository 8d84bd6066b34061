package dev.lanyard.admin.user;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.lanyard.admin.AdminConsoleWebMvcTest;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.TestAdminIdentity;
import dev.lanyard.admin.user.InMemoryUserAdministration.PasswordSet;
import dev.lanyard.admin.user.InMemoryUserAdministration.Search;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

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
 * {@link UserConsoleController}: listing, creating, changing, new passwords and
 * unlocking, with the password asked again when someone is made an administrator.
 */
@AdminConsoleWebMvcTest
class UserConsoleControllerTest {

	private static final String BOOLEAN_UNREADABLE = "This choice can only be on or off, so nothing was saved. Choose again.";

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryUserAdministration users;

	@Autowired
	private TestAdminIdentity identity;

	@Test
	void listWhenSearchedThenUsersWithTheirStatus() throws Exception {
		this.users.save(TestUserViews.user("carol").locked(true).build());
		this.users.save(TestUserViews.user("dave").enabled(false).locked(true).roles("user", "admin").build());
		this.mvc.perform(get("/admin/users").param("q", "a").param("page", "-1"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/users"))
			.andExpect(content().string(containsString("<a href=\"/admin/users/id-carol\">carol</a>")))
			.andExpect(content().string(containsString("<td>carol@example.com</td>")))
			.andExpect(content().string(containsString("<td>Locked</td>")))
			// Disabled wins over locked.
			.andExpect(content().string(containsString("<td>Disabled</td>")))
			.andExpect(content().string(containsString("<code class=\"chip\">admin</code>")));
		assertThat(this.users.searches()).containsExactly(new Search("a", 0, 20));
	}

	@Test
	void newUserWhenOpenedThenPasswordFieldAndDefaultRole() throws Exception {
		this.mvc.perform(get("/admin/users/new"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attribute("creating", true))
			.andExpect(content().string(containsString("<h1>New user</h1>")))
			.andExpect(content().string(containsString("id=\"password\" type=\"password\"")))
			.andExpect(content().string(containsString("name=\"roles\" value=\"user\"")))
			.andExpect(content().string(not(containsString("Set a new password"))));
	}

	@Test
	void createWhenValidThenCreatedWithParsedRolesAndAttributesAndRedirected() throws Exception {
		MultiValueMap<String, String> form = form(" erin ", "user   auditor ");
		form.set("email", " erin@example.com ");
		form.set("attributes", "tenant=acme\r\n\r\n team = blue \n");
		form.set("password", "erin-password-42");
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/users/" + InMemoryUserAdministration.NEW_USER_ID + "?created"));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.users.created()).singleElement().satisfies((created) -> {
			assertThat(created.password()).isEqualTo("erin-password-42");
			assertThat(created.draft()).isEqualTo(new UserDraft("erin", "erin@example.com", true, false,
					List.of("user", "auditor"), Map.of("tenant", "acme", "team", "blue"), Map.of()));
		});
		assertThat(this.users.actors()).containsExactly(TestAdminIdentity.ACTOR);
	}

	@Test
	void createWhenEmailBlankThenNoEmail() throws Exception {
		MultiValueMap<String, String> form = form("erin", "user");
		form.set("email", "  ");
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf())).andExpect(status().isFound());
		assertThat(this.users.created()).singleElement()
			.satisfies((created) -> assertThat(created.draft().email()).isNull());
	}

	/**
	 * Each standard claim has its own field: blank ones and unchecked boxes are left out
	 * rather than stored empty, and a claim the page does not show is not sent.
	 */
	@Test
	void createWhenClaimsGivenThenSentStrippedWithoutBlanks() throws Exception {
		MultiValueMap<String, String> form = form("erin", "user");
		form.set("password", "erin-password-42");
		form.set("claims[given_name]", " Erin ");
		form.set("claims[family_name]", "   ");
		form.set("claims[website]", "https://erin.example.com/");
		form.set("claims[address.locality]", "Lyon");
		form.set("claims[address.country]", "");
		form.set("claims[updated_at]", "1700000000");
		form.set("emailVerified", "true");
		form.set("_emailVerified", "on");
		form.set("_phoneNumberVerified", "on");
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/users/" + InMemoryUserAdministration.NEW_USER_ID + "?created"));
		assertThat(this.users.created()).singleElement()
			.satisfies((created) -> assertThat(created.draft().claims()).isEqualTo(Map.of("given_name", "Erin",
					"website", "https://erin.example.com/", "address.locality", "Lyon", "email_verified", "true")));
	}

	/** Giving the admin role hands over the server, so it needs the password again. */
	@Test
	void createWhenAdminRoleWithoutPasswordThenAskedAndInputKept() throws Exception {
		MultiValueMap<String, String> form = form("erin", "user admin");
		form.set("attributes", "tenant=acme");
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "confirmPassword", "confirm-password.wrong"))
			.andExpect(content().string(containsString("That is not your password.")))
			.andExpect(content().string(containsString("name=\"username\" value=\"erin\"")))
			.andExpect(content().string(containsString("name=\"roles\" value=\"user admin\"")))
			.andExpect(content().string(containsString(">tenant=acme</textarea>")));
		assertThat(this.identity.confirmations()).containsExactly((String) null);
		assertThat(this.users.untouched()).isTrue();
	}

	/**
	 * Unlocking an administrator lets them back in (and forgets the wrong passwords that
	 * held a guesser back): the password again; anyone else is unlocked at once.
	 */
	@Test
	void unlockWhenAdministratorThenPasswordAskedElseUnlockedAtOnce() throws Exception {
		this.users.save(TestUserViews.user("carol").roles("user", "admin").locked(true).build());
		this.users.save(TestUserViews.user("dan").locked(true).build());
		this.mvc.perform(get("/admin/users/id-carol"))
			.andExpect(content().string(containsString("id=\"unlock-confirm-password\"")));
		this.mvc.perform(get("/admin/users/id-dan"))
			.andExpect(content().string(not(containsString("id=\"unlock-confirm-password\""))));

		this.mvc.perform(post("/admin/users/id-carol/unlock").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(content().string(containsString("That is not your password.")));
		assertThat(this.users.unlocked()).isEmpty();
		this.mvc
			.perform(post("/admin/users/id-carol/unlock").param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-carol?unlocked"));
		this.mvc.perform(post("/admin/users/id-dan/unlock").with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-dan?unlocked"));
		assertThat(this.users.unlocked()).containsExactly("id-carol", "id-dan");
	}

	@Test
	void createWhenAdminRoleAndPasswordConfirmedThenCreated() throws Exception {
		MultiValueMap<String, String> form = form("erin", "admin");
		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf())).andExpect(status().isFound());
		assertThat(this.users.created()).singleElement()
			.satisfies((created) -> assertThat(created.draft().roles()).containsExactly("admin"));
	}

	@Test
	void createWhenPasswordPolicyRefusesThenErrorOnPasswordAndPasswordNotEchoed() throws Exception {
		this.users.refuseNext(new InvalidInputException("password", "password.common"));
		MultiValueMap<String, String> form = form("erin", "user");
		form.set("password", "password123");
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attributeHasFieldErrorCode("form", "password", "password.common"))
			.andExpect(content().string(containsString("name=\"username\" value=\"erin\"")))
			.andExpect(content().string(not(containsString("password123"))));
	}

	@Test
	void createWhenServerRefusesRoleThenErrorOnRoles() throws Exception {
		this.users.refuseNext(new InvalidInputException("roles", "role.format"));
		this.mvc.perform(post("/admin/users/new").params(form("erin", "user$")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "roles", "role.format"))
			.andExpect(content().string(containsString("Roles are letters, digits or _ . : -")));
	}

	@Test
	void createWhenUsernameTakenThenErrorOnUsername() throws Exception {
		this.users.refuseNext(new ConflictException("username", "taken"));
		this.mvc.perform(post("/admin/users/new").params(form("bob", "user")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "username", "username.taken"))
			.andExpect(content().string(containsString("A user with this name already exists.")));
	}

	@Test
	void createWhenAttributeLineMalformedThenErrorOnAttributesAndNothingAsked() throws Exception {
		MultiValueMap<String, String> form = form("erin", "user admin");
		form.set("attributes", "tenant=acme\njust-a-name");
		this.mvc.perform(post("/admin/users/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "attributes", "attributes.format"))
			.andExpect(content().string(containsString("Write each attribute as name=value on its own line.")))
			.andExpect(content().string(containsString(">tenant=acme\njust-a-name</textarea>")));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void editWhenUserExistsThenFormFromUserWithPasswordAndAccessPanels() throws Exception {
		this.mvc.perform(get("/admin/users/id-bob"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attribute("creating", false))
			.andExpect(content().string(containsString("<h1>bob</h1>")))
			.andExpect(content().string(containsString("name=\"email\" value=\"bob@example.com\"")))
			.andExpect(content().string(containsString(">tenant=acme\n</textarea>")))
			.andExpect(content().string(not(containsString("id=\"password\""))))
			.andExpect(content().string(containsString("action=\"/admin/users/id-bob/password\"")))
			.andExpect(content().string(containsString("action=\"/admin/users/id-bob/unlock\"")))
			.andExpect(content().string(containsString("href=\"/admin/sessions?user=id-bob\"")));
	}

	@Test
	void editWhenUserHasClaimsThenEachInItsLabelledField() throws Exception {
		this.users.save(TestUserViews.user("alice")
			.claims(Map.of("given_name", "Alice", "website", "https://alice.example.com/", "address.locality", "Lyon",
					"address.street_address", "10 rue de la Paix\nBuilding B", "email_verified", "true"))
			.build());
		String page = this.mvc.perform(get("/admin/users/id-alice"))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(page).contains("<legend>Standard claims (OpenID Connect)</legend>")
			.contains("<label for=\"claim-given_name\">Given name</label>")
			.contains("name=\"claims[given_name]\" value=\"Alice\"")
			.contains("type=\"url\"")
			.contains("name=\"claims[website]\" value=\"https://alice.example.com/\"")
			.contains("<label for=\"claim-address.locality\">City or locality</label>")
			.contains("name=\"claims[address.locality]\" value=\"Lyon\"")
			.contains(">10 rue de la Paix\nBuilding B</textarea>")
			.contains("id=\"claim-birthdate-help\"")
			.contains("E.164 recommended, for example +33 1 23 45 67 89.")
			.containsPattern("name=\"emailVerified\" value=\"true\"[^>]*checked")
			.doesNotContainPattern("name=\"phoneNumberVerified\" value=\"true\"[^>]*checked")
			.contains("name=\"_emailVerified\"")
			.contains("name=\"_phoneNumberVerified\"");
		// Every claim the form reads back has its field, labelled, once.
		for (String claim : UserForm.TEXT_CLAIMS) {
			assertThat(page).as(claim)
				.containsOnlyOnce("name=\"claims[" + claim + "]\"")
				.containsOnlyOnce("id=\"claim-" + claim + "\"")
				.containsOnlyOnce("<label for=\"claim-" + claim + "\">");
		}
	}

	/**
	 * A checkbox posted as neither true nor false (a hand-made request) is refused next
	 * to that checkbox: saving the form's default instead would change what was not asked
	 * for. The password is not checked, so no guess is spent.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "enabled", "locked" })
	void createWhenCheckboxValueUnreadableThenErrorNextToItInputKeptAndNothingAsked(String checkbox) throws Exception {
		MultiValueMap<String, String> form = form("erin", "user admin");
		form.set("email", "erin@example.com");
		form.set("attributes", "tenant=acme");
		form.set("password", "erin-password-42");
		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		form.set(checkbox, "maybe");
		MvcResult result = this.mvc.perform(post("/admin/users/new").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attribute("creating", true))
			.andExpect(model().attributeHasFieldErrorCode("form", checkbox, "typeMismatch"))
			.andExpect(content().string(containsString("Some fields need your attention.")))
			.andExpect(content().string(not(containsString("Failed to convert"))))
			.andExpect(content().string(containsString("name=\"username\" value=\"erin\"")))
			.andExpect(content().string(containsString("name=\"email\" value=\"erin@example.com\"")))
			.andExpect(content().string(containsString("name=\"roles\" value=\"user admin\"")))
			.andExpect(content().string(containsString(">tenant=acme</textarea>")))
			.andExpect(content().string(not(containsString(TestAdminIdentity.PASSWORD))))
			.andReturn();
		assertThat(result.getResponse().getContentAsString())
			.containsPattern(errorAfterCheckbox(checkbox, BOOLEAN_UNREADABLE));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void createWhenCheckboxValueUnreadableAndChineseThenChineseMessage() throws Exception {
		MultiValueMap<String, String> form = form("erin", "user");
		form.set("locked", "x");
		this.mvc.perform(post("/admin/users/new").params(form).header("Accept-Language", "zh-CN").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("此选项只能是开启或关闭，因此未保存任何内容。请重新选择。")))
			.andExpect(content().string(not(containsString("??"))));
		assertThat(this.users.untouched()).isTrue();
	}

	/**
	 * A refusal that names no rule must still say that nothing was saved, not show the
	 * form again as if nothing had happened.
	 */
	@Test
	void createWhenServerRefusesWithoutAProblemThenGenericErrorAboveFormAndInputKept() throws Exception {
		this.users.refuseNext(new InvalidInputException(List.of()));
		this.mvc.perform(post("/admin/users/new").params(form("erin", "user")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attributeHasErrors("form"))
			.andExpect(content().string(containsString("Some fields need your attention.")))
			.andExpect(content().string(containsString(
					"<p class=\"field-error\">The input was refused and nothing was saved. Check it and try again.</p>")))
			.andExpect(content().string(containsString("name=\"username\" value=\"erin\"")));
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void editWhenNoticesAskedThenShown() throws Exception {
		this.mvc.perform(get("/admin/users/id-bob").param("created", ""))
			.andExpect(content().string(containsString("Saved.")));
		this.mvc.perform(get("/admin/users/id-bob").param("password", ""))
			.andExpect(content().string(containsString("The new password is set.")));
		this.mvc.perform(get("/admin/users/id-bob").param("unlocked", ""))
			.andExpect(content().string(containsString("The account is unlocked.")));
	}

	@Test
	void editWhenNoSuchUserThenNotFoundPage() throws Exception {
		this.mvc.perform(get("/admin/users/nobody"))
			.andExpect(status().isNotFound())
			.andExpect(view().name("admin/not-found"));
	}

	@Test
	void updateWhenRolesNotWidenedThenSavedWithoutPasswordAndRedirected() throws Exception {
		MultiValueMap<String, String> form = form("bob", "user");
		form.set("enabled", "false");
		this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/users/id-bob?saved"));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.users.updated()).containsOnlyKeys("id-bob");
		assertThat(this.users.updated().get("id-bob").enabled()).isFalse();
	}

	@Test
	void updateWhenAlreadyAdminThenNoPasswordAsked() throws Exception {
		this.users.save(TestUserViews.user("root").roles("admin").build());
		this.mvc.perform(post("/admin/users/id-root").params(form("root", "admin auditor")).with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-root?saved"));
		assertThat(this.identity.confirmations()).isEmpty();
	}

	@Test
	void updateWhenMadeAdminThenSavedOnlyWithPassword() throws Exception {
		MultiValueMap<String, String> form = form("bob", "user admin");
		form.set("confirmPassword", "guess");
		this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "confirmPassword", "confirm-password.wrong"))
			.andExpect(content().string(containsString("action=\"/admin/users/id-bob\"")));
		assertThat(this.users.untouched()).isTrue();

		form.set("confirmPassword", TestAdminIdentity.PASSWORD);
		this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?saved"));
		assertThat(this.identity.confirmations()).containsExactly("guess", TestAdminIdentity.PASSWORD);
		assertThat(this.users.updated().get("id-bob").roles()).containsExactly("user", "admin");
	}

	@Test
	void updateWhenUsernameTakenThenErrorOnUsername() throws Exception {
		this.users.refuseNext(new ConflictException("username", "taken"));
		this.mvc.perform(post("/admin/users/id-bob").params(form("carol", "user")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "username", "username.taken"))
			.andExpect(content().string(containsString("name=\"username\" value=\"carol\"")));
	}

	/** Saving the page as it was shown changes none of the user's claims. */
	@Test
	void updateWhenClaimsPostedAsShownThenKept() throws Exception {
		Map<String, String> claims = Map.ofEntries(Map.entry("name", "Bob Martin"), Map.entry("given_name", "Bob"),
				Map.entry("family_name", "Martin"), Map.entry("picture", "https://bob.example.com/me.png"),
				Map.entry("birthdate", "1990"), Map.entry("zoneinfo", "Europe/Paris"), Map.entry("locale", "fr-FR"),
				Map.entry("email_verified", "true"), Map.entry("phone_number", "+33 1 23 45 67 89"),
				Map.entry("phone_number_verified", "true"),
				Map.entry("address.street_address", "10 rue de la Paix\nBuilding B"),
				Map.entry("address.locality", "Lyon"), Map.entry("address.postal_code", "69001"),
				Map.entry("address.country", "France"));
		this.users.save(TestUserViews.user("bob").attributes(Map.of("tenant", "acme")).claims(claims).build());
		MultiValueMap<String, String> form = form("bob", "user");
		form.set("attributes", "tenant=acme\n");
		form.addAll(claimFields(claims));
		this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?saved"));
		assertThat(this.users.updated().get("id-bob").claims()).isEqualTo(claims);
	}

	@Test
	void updateWhenVerifiedBoxUncheckedThenClaimRemoved() throws Exception {
		Map<String, String> claims = Map.of("given_name", "Bob", "email_verified", "true", "phone_number",
				"+33 1 23 45 67 89", "phone_number_verified", "true");
		this.users.save(TestUserViews.user("bob").claims(claims).build());
		MultiValueMap<String, String> form = form("bob", "user");
		form.addAll(claimFields(claims));
		// An unchecked box posts only its marker.
		form.remove("phoneNumberVerified");
		this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?saved"));
		assertThat(this.users.updated().get("id-bob").claims())
			.isEqualTo(Map.of("given_name", "Bob", "email_verified", "true", "phone_number", "+33 1 23 45 67 89"));
	}

	/**
	 * The server names the claim it refused as {@code claims.<name>}: the message says
	 * which, and what was typed stays in the form.
	 */
	@Test
	void updateWhenServerRefusesAClaimThenItsMessageShownAndInputKept() throws Exception {
		this.users.refuseNext(new InvalidInputException("claims.birthdate", "claim.date"));
		MultiValueMap<String, String> form = form("bob", "user");
		form.addAll(claimFields(Map.of("given_name", "Bob", "birthdate", "1990-02-30", "email_verified", "true")));
		MvcResult result = this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attributeHasErrors("form"))
			.andExpect(content().string(containsString("Some fields need your attention.")))
			.andExpect(content().string(containsString("Write the birthdate as YYYY-MM-DD, or YYYY.")))
			.andExpect(content().string(containsString("name=\"claims[given_name]\" value=\"Bob\"")))
			.andExpect(content().string(containsString("name=\"claims[birthdate]\" value=\"1990-02-30\"")))
			.andReturn();
		assertThat(result.getResponse().getContentAsString())
			.containsPattern("name=\"emailVerified\" value=\"true\"[^>]*checked");
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void updateWhenServerRefusesTheClaimsThenErrorAtTheirFieldset() throws Exception {
		this.users.refuseNext(new InvalidInputException("claims", "claim.unknown"));
		MvcResult result = this.mvc.perform(post("/admin/users/id-bob").params(form("bob", "user")).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attributeHasFieldErrorCode("form", "claims", "claim.unknown"))
			.andReturn();
		assertThat(result.getResponse().getContentAsString())
			.containsPattern("<legend>Standard claims \\(OpenID Connect\\)</legend>\\s*<p class=\"help\">[^<]*</p>\\s*"
					+ "<p class=\"field-error\">This is not a standard claim Lanyard keeps.</p>");
		assertThat(this.users.untouched()).isTrue();
	}

	/**
	 * A checkbox posted as neither true nor false would otherwise save the form's default
	 * (not the user's value) without a word.
	 */
	@ParameterizedTest
	@CsvSource({ "enabled, x", "enabled, maybe", "locked, nope", "locked, 2" })
	void updateWhenCheckboxValueUnreadableThenErrorNextToItAndUserUnchanged(String checkbox, String value)
			throws Exception {
		MultiValueMap<String, String> form = form("bob", "user auditor");
		form.set(checkbox, value);
		MvcResult result = this.mvc.perform(post("/admin/users/id-bob").params(form).with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attribute("creating", false))
			.andExpect(model().attributeHasFieldErrorCode("form", checkbox, "typeMismatch"))
			.andExpect(content().string(containsString("action=\"/admin/users/id-bob\"")))
			.andExpect(content().string(containsString("name=\"roles\" value=\"user auditor\"")))
			.andExpect(content().string(containsString("action=\"/admin/users/id-bob/password\"")))
			.andReturn();
		assertThat(result.getResponse().getContentAsString())
			.containsPattern(errorAfterCheckbox(checkbox, BOOLEAN_UNREADABLE));
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void updateWhenNoSuchUserThenNotFound() throws Exception {
		this.mvc.perform(post("/admin/users/nobody").params(form("x", "user")).with(csrf()))
			.andExpect(status().isNotFound());
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void resetSecondFactorsWhenAdminPasswordConfirmedThenResetElseNot() throws Exception {
		this.mvc
			.perform(post("/admin/users/id-bob/second-factors/reset").param("confirmPassword", "guess").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(content().string(containsString("That is not your password.")));
		assertThat(this.users.secondFactorsReset()).isEmpty();
		this.mvc
			.perform(post("/admin/users/id-bob/second-factors/reset")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?second-factors-reset"));
		assertThat(this.users.secondFactorsReset()).containsExactly("id-bob");
		this.mvc.perform(get("/admin/users/id-bob").param("second-factors-reset", ""))
			.andExpect(content().string(containsString("The user&#39;s second factors are removed.")));
	}

	@Test
	void editWhenUserHasSecondFactorsThenListedWithoutSecrets() throws Exception {
		this.mvc.perform(get("/admin/users/id-bob"))
			.andExpect(content().string(containsString("None: the password alone signs this user in.")));
		this.users.importAuthenticatorApp("id-bob", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", null);
		this.mvc.perform(get("/admin/users/id-bob"))
			.andExpect(content().string(containsString("Authenticator app (10 recovery codes left)")))
			.andExpect(content().string(not(containsString("None: the password alone"))))
			.andExpect(content().string(not(containsString("JBSWY3DP"))));
	}

	@Test
	void requireSecondFactorWhenAdminPasswordConfirmedThenSetElseNot() throws Exception {
		this.mvc
			.perform(post("/admin/users/id-bob/second-factors/required").param("required", "true")
				.param("confirmPassword", "guess")
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("That is not your password.")));
		assertThat(this.users.secondFactorRequired("id-bob")).isFalse();
		this.mvc
			.perform(post("/admin/users/id-bob/second-factors/required").param("required", "true")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?second-factor-required-saved"));
		assertThat(this.users.secondFactorRequired("id-bob")).isTrue();
		this.mvc.perform(get("/admin/users/id-bob"))
			.andExpect(content().string(containsString("id=\"second-factor-required\" checked")));
		this.mvc
			.perform(post("/admin/users/id-bob/second-factors/required")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?second-factor-required-saved"));
		assertThat(this.users.secondFactorRequired("id-bob")).isFalse();
	}

	@Test
	void setPasswordWhenConfirmedThenSetAndRedirected() throws Exception {
		this.mvc
			.perform(post("/admin/users/id-bob/password").param("password", "new-password-88")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.param("signOutEverywhere", "true")
				.with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/users/id-bob?password"));
		this.mvc
			.perform(post("/admin/users/id-bob/password").param("password", "newer-password-99")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(redirectedUrl("/admin/users/id-bob?password"));
		assertThat(this.users.passwordsSet()).containsExactly(new PasswordSet("id-bob", "new-password-88", true),
				new PasswordSet("id-bob", "newer-password-99", false));
	}

	@Test
	void setPasswordWhenAdminPasswordWrongThenUserPageWithErrorAndNothingSet() throws Exception {
		this.mvc
			.perform(post("/admin/users/id-bob/password").param("password", "new-password-88")
				.param("confirmPassword", "guess")
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attribute("passwordError", "confirm-password.wrong"))
			.andExpect(model().attribute("creating", false))
			.andExpect(content()
				.string(containsString("<div class=\"errors\" role=\"alert\">That is not your password.</div>")))
			.andExpect(content().string(containsString("name=\"username\" value=\"bob\"")))
			.andExpect(content().string(not(containsString("new-password-88"))));
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void setPasswordWhenPolicyRefusesThenItsMessageShown() throws Exception {
		this.users.refuseNext(new InvalidInputException("password", "attributes.format"));
		this.mvc
			.perform(post("/admin/users/id-bob/password").param("password", "short")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(model().attribute("passwordError", "attributes.format"))
			.andExpect(content().string(containsString("Write each attribute as name=value on its own line.")));
		assertThat(this.users.untouched()).isTrue();
	}

	/** A refusal that names no rule still says that the password was not set. */
	@Test
	void setPasswordWhenRefusedWithoutAProblemThenGenericErrorAndNothingSet() throws Exception {
		this.users.refuseNext(new InvalidInputException(List.of()));
		this.mvc
			.perform(post("/admin/users/id-bob/password").param("password", "new-password-88")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isOk())
			.andExpect(view().name("admin/user-form"))
			.andExpect(model().attribute("passwordError", "input.invalid"))
			.andExpect(content().string(containsString(
					"<div class=\"errors\" role=\"alert\">The input was refused and nothing was saved. Check it and try again.</div>")))
			.andExpect(content().string(containsString("name=\"username\" value=\"bob\"")))
			.andExpect(content().string(not(containsString("new-password-88"))));
		assertThat(this.users.untouched()).isTrue();
	}

	/**
	 * The password form binds plain request parameters: an unreadable choice is refused
	 * before anything is done, not read as its default, and spends no password guess.
	 */
	@Test
	void setPasswordWhenSignOutChoiceUnreadableThenBadRequestAndNothingSetOrAsked() throws Exception {
		this.mvc
			.perform(post("/admin/users/id-bob/password").param("password", "new-password-88")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.param("signOutEverywhere", "maybe")
				.with(csrf()))
			.andExpect(status().isBadRequest());
		assertThat(this.identity.confirmations()).isEmpty();
		assertThat(this.users.untouched()).isTrue();
	}

	@Test
	void setPasswordWhenNoSuchUserThenNotFoundAndNothingAsked() throws Exception {
		this.mvc
			.perform(post("/admin/users/nobody/password").param("password", "new-password-88")
				.param("confirmPassword", TestAdminIdentity.PASSWORD)
				.with(csrf()))
			.andExpect(status().isNotFound());
		assertThat(this.identity.confirmations()).isEmpty();
	}

	@Test
	void unlockWhenPostedThenUnlockedAndRedirected() throws Exception {
		this.mvc.perform(post("/admin/users/id-bob/unlock").with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/admin/users/id-bob?unlocked"));
		assertThat(this.users.unlocked()).containsExactly("id-bob");
		assertThat(this.users.actors()).containsExactly(TestAdminIdentity.ACTOR);
	}

	@Test
	void pageWhenChineseThenChineseMessages() throws Exception {
		this.users.refuseNext(new ConflictException("username", "taken"));
		this.mvc.perform(
				post("/admin/users/new").params(form("bob", "user")).header("Accept-Language", "zh-CN").with(csrf()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("<html lang=\"zh-CN\">")))
			.andExpect(content().string(containsString("<h1>新建用户</h1>")))
			.andExpect(content().string(containsString("已存在同名用户。")))
			.andExpect(content().string(not(containsString("??"))));
	}

	/** A field error with this message right after the checkbox it concerns. */
	private static String errorAfterCheckbox(String name, String message) {
		return "name=\"" + name
				+ "\" value=\"true\"[^<]*>(<input type=\"hidden\"[^>]*>)?\\s*<span>[^<]*</span></label>\\s*"
				+ "<p class=\"field-error\">" + Pattern.quote(message) + "</p>";
	}

	/**
	 * The standard claim fields as the user page posts them for these claims: every text
	 * field (line breaks as a browser sends them), each checked box, and the markers.
	 */
	private static MultiValueMap<String, String> claimFields(Map<String, String> claims) {
		MultiValueMap<String, String> fields = new LinkedMultiValueMap<>();
		for (String claim : UserForm.TEXT_CLAIMS) {
			fields.add("claims[" + claim + "]", claims.getOrDefault(claim, "").replace("\n", "\r\n"));
		}
		if ("true".equals(claims.get("email_verified"))) {
			fields.add("emailVerified", "true");
		}
		if ("true".equals(claims.get("phone_number_verified"))) {
			fields.add("phoneNumberVerified", "true");
		}
		fields.add("_emailVerified", "on");
		fields.add("_phoneNumberVerified", "on");
		return fields;
	}

	/** The user form as a browser posts it, with the checkbox markers. */
	private static MultiValueMap<String, String> form(String username, String roles) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.setAll(Map.of("username", username, "email", "", "roles", roles, "attributes", "", "enabled", "true",
				"_enabled", "on", "_locked", "on"));
		return form;
	}

}
