package dev.lanyard.jwt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerCredentialsTest {

	/** A service that logs the credentials it was given never logs the token. */
	@Test
	void toStringWhenTokenThenMasked() {
		BearerCredentials credentials = new BearerCredentials(BearerCredentials.Kind.TOKEN,
				"eyJhbGciOiJSUzI1NiJ9.e30.sig");

		assertThat(credentials.toString()).contains("TOKEN").contains("***").doesNotContain("eyJhbGciOiJSUzI1NiJ9");
	}

}
