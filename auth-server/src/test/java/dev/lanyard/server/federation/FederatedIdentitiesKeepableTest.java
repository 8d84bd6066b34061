package dev.lanyard.server.federation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which upstream subjects can name an identity here, on the sign-in and the link path
 * alike (a longer one was a server error at the link's insert).
 */
class FederatedIdentitiesKeepableTest {

	@Test
	void keepableWhenPresentAndAtMost255CharactersThenTrueElseFalse() {
		assertThat(FederatedIdentities.keepable("248289761001")).isTrue();
		assertThat(FederatedIdentities.keepable("s".repeat(255))).isTrue();
		assertThat(FederatedIdentities.keepable("s".repeat(256))).isFalse();
		assertThat(FederatedIdentities.keepable("")).isFalse();
		assertThat(FederatedIdentities.keepable(null)).isFalse();
	}

}
