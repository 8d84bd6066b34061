package dev.lanyard.server.federation;

import java.util.List;
import java.util.Map;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.key.MasterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored identity providers, on a migrated database. */
@ExtendWith(OutputCaptureExtension.class)
class IdentityProvidersTest {

	/**
	 * The login page's button reads "Sign in with" and the provider's name: one that
	 * would display as another provider's (bidi controls) or holds control characters is
	 * refused, and so are default roles that would make everyone it creates an
	 * administrator.
	 */
	@Test
	void checkWhenDisplayNameNotPlainOrDefaultRolesNameAdminThenRefused() {
		for (String name : new String[] { "Corp\u202Eelgoog", "Corp\u001B[31m", "a\u2067b" }) {
			assertThatThrownBy(() -> IdentityProviders.check(provider(name, List.of("user")))).isInstanceOfSatisfying(
					InputRejectedException.class,
					(ex) -> assertThat(ex.problems()).extracting(InputRejectedException.Problem::code)
						.containsExactly("idp.display-name.format"));
		}
		assertThatThrownBy(() -> IdentityProviders.check(provider("Corp", List.of("user", "admin"))))
			.isInstanceOfSatisfying(InputRejectedException.class,
					(ex) -> assertThat(ex.problems()).extracting(InputRejectedException.Problem::code)
						.containsExactly("idp.default-roles.admin"));
		IdentityProviders.check(provider("Société Générale 登录", List.of("user")));
	}

	private static IdentityProvider provider(String displayName, List<String> defaultRoles) {
		return new IdentityProvider("corp", displayName, "https://login.corp.example", null, null, null, null,
				"lanyard", "a-client-secret-of-the-upstream", "client_secret_basic", List.of("openid"), false, true,
				defaultRoles, Map.of(), false, false, true);
	}

	/**
	 * A client secret sealed under another master key (the key changed, or a node runs
	 * with a different one): the provider is still listed, without its secret, and the
	 * login page, which lists the providers on every view, does not repeat the warning
	 * each time.
	 */
	@Test
	void listWhenASecretWasSealedUnderAnotherMasterKeyThenListedWithoutItAndReportedOnce(CapturedOutput output) {
		JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(TestBackends.newMigratedDatabase(), "postgres",
				TestBackends.superuserPassword()));
		new IdentityProviders(jdbc, MasterKey.fromSecret("the-master-key-of-another-deployment-0123456789"))
			.save(new IdentityProvider("corp", "Corp", "https://login.corp.example", null, null, null, null, "lanyard",
					"a-client-secret-of-the-upstream", "client_secret_basic", List.of("openid"), false, false,
					List.of(), Map.of(), false, false, true));
		IdentityProviders here = new IdentityProviders(jdbc, MasterKey.fromSecret(LanyardTestServer.MASTER_KEY));

		for (int view = 0; view < 3; view++) {
			assertThat(here.enabled()).singleElement().satisfies((provider) -> {
				assertThat(provider.id()).isEqualTo("corp");
				assertThat(provider.clientSecret()).isNull();
			});
		}
		assertThat(output.getAll().split("cannot be opened with this master key", -1)).hasSize(2);
	}

}
