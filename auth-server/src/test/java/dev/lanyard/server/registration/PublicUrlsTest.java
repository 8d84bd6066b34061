package dev.lanyard.server.registration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which URLs a dynamically registered client may name for Lanyard to call. */
class PublicUrlsTest {

	@ParameterizedTest
	@ValueSource(strings = { "https://keys.example/jwks", "https://keys.example.com:8443/jwks",
			"https://93.184.215.14/jwks", "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/jwks",
			"https://3com.example/jwks", "https://a.b2/jwks" })
	void publicHttpsWhenPublicHostThenAccepted(String url) {
		assertThat(PublicUrls.isPublicHttps(url)).isTrue();
	}

	/**
	 * Loopback and private addresses, also written the other ways resolvers read as
	 * addresses (a number, shortened or hexadecimal forms), which passed as host names;
	 * local names with the trailing dot that names the same host.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http://keys.example/jwks", "https://localhost/jwks", "https://127.0.0.1/jwks",
			"https://10.0.0.1/jwks", "https://169.254.169.254/latest", "https://[::1]/jwks", "https://[fd00::1]/jwks",
			"https://2130706433/jwks", "https://127.1/jwks", "https://0x7f000001/jwks", "https://0x7f.1/jwks",
			"https://2852039166/latest", "https://10.1/jwks", "https://keys.example.1/jwks",
			"https://service.internal/jwks", "https://localhost./jwks", "https://metadata.internal./latest" })
	void publicHttpsWhenLoopbackPrivateOrAnAddressWrittenOtherwiseThenRefused(String url) {
		assertThat(PublicUrls.isPublicHttps(url)).isFalse();
	}

}
