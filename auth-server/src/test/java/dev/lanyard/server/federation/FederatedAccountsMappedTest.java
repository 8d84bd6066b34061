package dev.lanyard.server.federation;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a provider's defaults and claim mappings give an account it creates. */
class FederatedAccountsMappedTest {

	/**
	 * No account a provider creates administers Lanyard: not by an upstream's claim, nor
	 * by default roles stored before saving a provider refused {@code admin} in them.
	 */
	@Test
	void mappedWhenDefaultRolesOrUpstreamClaimNameAdminThenAdminLeftOut() {
		IdentityProvider storedBefore = new IdentityProvider("corp", "Corp", "https://login.corp.example", null, null,
				null, null, "lanyard", null, null, List.of("openid"), false, true, List.of("user", "admin"),
				Map.of("roles", "groups"), false, false, true);

		FederatedAccounts.Mapped mapped = FederatedAccounts.Mapped.of(storedBefore,
				Map.of("groups", List.of("admin", "staff")));

		assertThat(mapped.roles()).containsExactly("user", "staff");
	}

}
