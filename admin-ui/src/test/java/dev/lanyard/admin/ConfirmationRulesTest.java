package dev.lanyard.admin;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.lanyard.admin.client.ClientView;
import dev.lanyard.admin.client.TestClientDrafts;
import dev.lanyard.admin.client.TestClientViews;
import dev.lanyard.admin.user.UserDraft;
import dev.lanyard.admin.user.UserView;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link ConfirmationRules}: which changes need the administrator's password again (OWASP
 * ASVS 5.0 §7.5.1), and which do not.
 */
class ConfirmationRulesTest {

	private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	private static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

	/**
	 * A confidential machine client: no redirect URI, nothing that needs confirmation.
	 */
	private static final ClientView MACHINE = TestClientViews.confidentialClient("machine")
		.redirectUris()
		.grantTypes("client_credentials")
		.scopes("orders.read")
		.build();

	/** A web app that asks its users for consent. */
	private static final ClientView WEB_APP = TestClientViews.confidentialClient("web-app")
		.requireConsent(true)
		.exchangeAudiences("orders")
		.build();

	@ParameterizedTest
	@MethodSource
	void clientChangeWhenRegistering(TestClientDrafts.Builder draft, boolean confirmationNeeded) {
		assertThat(ConfirmationRules.clientChange(null, draft.build())).isEqualTo(confirmationNeeded);
	}

	static Stream<Arguments> clientChangeWhenRegistering() {
		return Stream.of(case_("a machine client", machine(), false),
				case_("no consent asked", machine().requireConsent(false), false),
				case_("PKCE unset (means required)", machine().requirePkce(null), false),
				case_("a redirect URI", machine().redirectUris("https://app.example/cb"), true),
				case_("a post-logout redirect URI", machine().postLogoutRedirectUris("https://app.example/bye"), true),
				case_("the admin scope", machine().scopes("orders.read", AdminIdentity.ADMIN_SCOPE), true),
				case_("token exchange", machine().grantTypes("client_credentials", TOKEN_EXCHANGE), true),
				// It receives the tokens of whoever enters its code.
				case_("the device flow", machine().grantTypes(DEVICE_CODE), true),
				case_("introspection", machine().introspectionAllowed(true), true),
				case_("DPoP-bound access tokens", machine().dpopBoundAccessTokens(true), false),
				case_("PKCE off", machine().requirePkce(false), true));
	}

	@ParameterizedTest
	@MethodSource
	void clientChangeWhenChanging(TestClientDrafts.Builder draft, boolean confirmationNeeded) {
		assertThat(ConfirmationRules.clientChange(WEB_APP, draft.build())).isEqualTo(confirmationNeeded);
	}

	static Stream<Arguments> clientChangeWhenChanging() {
		return Stream.of(case_("nothing", webApp(), false), case_("the name", webApp().clientName("Renamed"), false),
				case_("scopes narrowed", webApp().scopes("openid"), false),
				case_("PKCE unset (means required)", webApp().requirePkce(null), false),
				case_("the redirect URIs", webApp().redirectUris("https://app.example/other"), true),
				case_("a redirect URI added",
						webApp().redirectUris("https://app.example/callback", "https://app.example/two"), true),
				case_("the post-logout redirect URIs", webApp().postLogoutRedirectUris("https://app.example/bye"),
						true),
				case_("grant types widened",
						webApp().grantTypes("authorization_code", "refresh_token", "client_credentials"), true),
				case_("grant types narrowed", webApp().grantTypes("authorization_code"), true),
				case_("the exchange audiences", webApp().exchangeAudiences("orders", "billing"), true),
				case_("the client type", webApp().publicClient(true), true),
				case_("the same authentication method", webApp().tokenEndpointAuthMethod("client_secret_basic"), false),
				case_("another authentication method", webApp().tokenEndpointAuthMethod("client_secret_post"), true),
				case_("signing keys by URL",
						webApp().tokenEndpointAuthMethod("private_key_jwt").jwksUri("https://keys.example/jwks.json"),
						true),
				case_("signing keys inline", webApp().jwks("{\"keys\":[]}"), true),
				case_("the admin scope added", webApp().scopes("openid", AdminIdentity.ADMIN_SCOPE), true),
				case_("introspection turned on", webApp().introspectionAllowed(true), true),
				case_("DPoP-bound access tokens turned on", webApp().dpopBoundAccessTokens(true), false),
				case_("PKCE turned off", webApp().requirePkce(false), true),
				case_("consent turned off", webApp().requireConsent(false), true),
				case_("consent unset (means off)", webApp().requireConsent(null), true));
	}

	@ParameterizedTest
	@MethodSource
	void clientChangeWhenAlreadyGranted(ClientView current, TestClientDrafts.Builder draft,
			boolean confirmationNeeded) {
		assertThat(ConfirmationRules.clientChange(current, draft.build())).isEqualTo(confirmationNeeded);
	}

	static Stream<Arguments> clientChangeWhenAlreadyGranted() {
		ClientView admin = TestClientViews.confidentialClient("robot")
			.scopes(AdminIdentity.ADMIN_SCOPE)
			.introspectionAllowed(true)
			.requirePkce(false)
			.build();
		ClientView bound = TestClientViews.confidentialClient("bound").dpopBoundAccessTokens(true).build();
		ClientView disabled = TestClientViews.confidentialClient("disabled").enabled(false).build();
		return Stream.of(arguments(Named.of("admin scope kept", admin), TestClientDrafts.from(admin), false),
				arguments(Named.of("introspection turned off", admin),
						TestClientDrafts.from(admin).introspectionAllowed(false), false),
				arguments(Named.of("PKCE turned on", admin), TestClientDrafts.from(admin).requirePkce(true), false),
				arguments(Named.of("consent turned on", MACHINE), TestClientDrafts.from(MACHINE).requireConsent(true),
						false),
				arguments(Named.of("DPoP-bound access tokens kept", bound), TestClientDrafts.from(bound), false),
				arguments(Named.of("DPoP-bound access tokens turned off", bound),
						TestClientDrafts.from(bound).dpopBoundAccessTokens(false), true),
				arguments(Named.of("DPoP-bound access tokens unset (means off)", bound),
						TestClientDrafts.from(bound).dpopBoundAccessTokens(null), true),
				arguments(Named.of("disabled client kept disabled", disabled), TestClientDrafts.from(disabled), false),
				arguments(Named.of("disabled client enabled again", disabled),
						TestClientDrafts.from(disabled).enabled(true), true),
				arguments(Named.of("disabled client, enabled unset (means yes)", disabled),
						TestClientDrafts.from(disabled).enabled(null), true));
	}

	@ParameterizedTest
	@MethodSource
	void userChange(List<String> currentRoles, List<String> roles, boolean confirmationNeeded) {
		UserDraft draft = new UserDraft("erin", null, true, false, roles, Map.of());
		UserView current = currentRoles.isEmpty() ? null : erin("erin@example.com", currentRoles);
		assertThat(ConfirmationRules.userChange(current, draft)).isEqualTo(confirmationNeeded);
	}

	/**
	 * Disabling or locking an administrator shuts them out, as taking the role does, and
	 * enabling or unlocking one lets them back in, as giving the role does; a person who
	 * is not one, or one who stays shut out, changes nothing the console guards.
	 */
	@ParameterizedTest
	@CsvSource({ "admin, true, false, false, false, true", "admin, true, false, true, true, true",
			"admin, false, false, false, false, false", "admin, true, true, true, false, true",
			"admin, false, false, true, false, true", "admin, false, true, true, true, false",
			"user, true, false, false, true, false", "user, false, true, true, false, false",
			"admin, true, false, true, false, false" })
	void userChangeOfStanding(String role, boolean enabled, boolean locked, boolean enabledAfter, boolean lockedAfter,
			boolean confirmationNeeded) {
		UserView current = new UserView("0b9d6c1e-6f0a-4c43-9d0e-1c7a0a4d2f11", "erin", null, enabled, locked,
				List.of(role), Map.of(), Map.of(), java.time.Instant.EPOCH, java.time.Instant.EPOCH);
		UserDraft draft = new UserDraft("erin", null, enabledAfter, lockedAfter, List.of(role), Map.of());
		assertThat(ConfirmationRules.userChange(current, draft)).isEqualTo(confirmationNeeded);
	}

	@Test
	void unlockWhenAdministratorThenConfirmationElseNot() {
		assertThat(ConfirmationRules.unlock(erin("erin@example.com", List.of("user", AdminIdentity.ADMIN_ROLE))))
			.isTrue();
		assertThat(ConfirmationRules.unlock(erin("erin@example.com", List.of("user")))).isFalse();
	}

	/**
	 * A password reset link goes to the account's address: another address hands the
	 * account over, as setting its password would.
	 */
	@ParameterizedTest
	@MethodSource
	void userChangeOfAddress(String current, String draft, boolean confirmationNeeded) {
		UserDraft changed = new UserDraft("erin", draft, true, false, List.of("user"), Map.of());
		assertThat(ConfirmationRules.userChange(erin(current, List.of("user")), changed)).as("%s -> %s", current, draft)
			.isEqualTo(confirmationNeeded);
	}

	static Stream<Arguments> userChangeOfAddress() {
		return Stream.of(arguments("erin@example.com", "mallory@example.net", true),
				arguments(null, "mallory@example.net", true), arguments("erin@example.com", "Erin@Example.com", false),
				arguments("erin@example.com", " erin@example.com ", false), arguments("erin@example.com", null, false),
				arguments("erin@example.com", "", false));
	}

	@ParameterizedTest
	@MethodSource("userChangeOfAddress")
	void userChangeWhenCreatedWithAnAddressThenNoConfirmation(String ignored, String draft, boolean ignoredToo) {
		UserDraft created = new UserDraft("erin", draft, true, false, List.of("user"), Map.of());
		assertThat(ConfirmationRules.userChange(null, created)).isFalse();
	}

	private static UserView erin(String email, List<String> roles) {
		return new UserView("0b9d6c1e-6f0a-4c43-9d0e-1c7a0a4d2f11", "erin", email, true, false, roles, Map.of(),
				Map.of(), java.time.Instant.EPOCH, java.time.Instant.EPOCH);
	}

	static Stream<Arguments> userChange() {
		return Stream.of(arguments(List.of(), List.of("user"), false),
				arguments(List.of(), List.of("user", AdminIdentity.ADMIN_ROLE), true),
				arguments(List.of("user"), List.of(AdminIdentity.ADMIN_ROLE), true),
				arguments(List.of(AdminIdentity.ADMIN_ROLE), List.of(AdminIdentity.ADMIN_ROLE, "auditor"), false),
				// Shuts the administrator out.
				arguments(List.of(AdminIdentity.ADMIN_ROLE), List.of("user"), true),
				arguments(List.of("user"), List.of("administrator", "ADMIN"), false));
	}

	private static TestClientDrafts.Builder machine() {
		return TestClientDrafts.from(MACHINE);
	}

	private static TestClientDrafts.Builder webApp() {
		return TestClientDrafts.from(WEB_APP);
	}

	private static Arguments case_(String name, TestClientDrafts.Builder draft, boolean confirmationNeeded) {
		return arguments(Named.of(name, draft), confirmationNeeded);
	}

}
