package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Bad configuration fails at build time with a message that says what to set. */
class JwtVerifierBuilderTest {

	private static JwtVerifier.Builder valid() {
		return JwtVerifier.builder().issuer("http://localhost:9000");
	}

	@Test
	void buildWhenOnlyIssuerThenDefaultsApply() {
		JwtVerifier verifier = valid().build();
		assertThat(verifier.issuer()).isEqualTo("http://localhost:9000");
		assertThat(verifier.audience()).isEqualTo("internal");
	}

	@Test
	void buildWhenIssuerMissingOrNotHttpThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> JwtVerifier.builder().build())
			.withMessageContaining("issuer is required");
		assertThatIllegalArgumentException().isThrownBy(() -> JwtVerifier.builder().issuer(" ").build())
			.withMessageContaining("issuer is required");
		assertThatIllegalArgumentException().isThrownBy(() -> JwtVerifier.builder().issuer("file:///etc/jwks").build())
			.withMessageContaining("http(s)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> valid().jwksUri(URI.create("file:///etc/jwks.json")).build())
			.withMessageContaining("http(s)");
	}

	@Test
	void buildWhenClockSkewAboveSixtySecondsOrNegativeThenRefused() {
		assertThat(valid().clockSkew(Duration.ofSeconds(60)).build()).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> valid().clockSkew(Duration.ofSeconds(61)).build())
			.withMessageContaining("clockSkew");
		assertThatIllegalArgumentException().isThrownBy(() -> valid().clockSkew(Duration.ofSeconds(-1)).build());
	}

	@Test
	void buildWhenAlgorithmsEmptyOrSymmetricThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> valid().algorithms(List.of()).build());
		assertThatIllegalArgumentException().isThrownBy(() -> valid().algorithms(List.of("RS256", "HS256")).build())
			.withMessageContaining("HS256");
		assertThatIllegalArgumentException().isThrownBy(() -> valid().algorithms(List.of("EdDSA")).build());
		assertThat(valid().algorithms(List.of("PS256", "ES384")).build()).isNotNull();
	}

	@Test
	void buildWhenLimitsOutOfRangeThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> valid().maxTokenLength(10).build());
		assertThatIllegalArgumentException().isThrownBy(() -> valid().maxTokenLifetime(Duration.ZERO).build());
		assertThatIllegalArgumentException().isThrownBy(() -> valid().jwksRefetchInterval(Duration.ZERO).build());
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> valid().jwksCacheTtl(Duration.ofMinutes(1)).jwksRefreshAhead(Duration.ofMinutes(1)).build())
			.withMessageContaining("jwksRefreshAhead");
		assertThatIllegalArgumentException().isThrownBy(() -> valid().types(List.of()).build());
		assertThatIllegalArgumentException().isThrownBy(() -> valid().audience("").build());
		assertThatIllegalArgumentException().isThrownBy(() -> valid().connectTimeout(Duration.ZERO).build());
		assertThatIllegalArgumentException().isThrownBy(() -> valid().jwksSizeLimit(0).build());
	}

}
