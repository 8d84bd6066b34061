package dev.lanyard.jwt.servlet;

import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter's answers, with the servlet API's test doubles and a real key set server: a
 * token that fails is 401 {@code invalid_token}; a token that cannot be checked because
 * the keys cannot be had (the authorization server down, nothing cached yet) is 503, try
 * again: the token may be good, and a 401 sent clients to sign in again, in a loop, for
 * as long as the outage lasted.
 */
class JwtSessionFilterTest {

	@Test
	void filterWhenKeysCannotBeHadThen503ElseWhenTokenFailsThen401() throws Exception {
		String issuer;
		String token;
		try (TestAuthorizationServer server = TestAuthorizationServer.start(TestKeys.RSA_K1)) {
			issuer = server.issuer();
			token = TestJwts.accessToken(issuer).build();
			JwtSessionFilter filter = new JwtSessionFilter(JwtVerifier.builder().issuer(issuer).build());
			MockHttpServletResponse forged = call(filter,
					TestJwts.accessToken(issuer).signedWith(TestKeys.ATTACKER).build());
			assertThat(forged.getStatus()).isEqualTo(401);
			assertThat(forged.getHeader("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
		}
		// The server is gone: a verifier that never had its keys cannot check the token.
		JwtSessionFilter filter = new JwtSessionFilter(JwtVerifier.builder().issuer(issuer).build());
		MockHttpServletResponse unavailable = call(filter, token);
		assertThat(unavailable.getStatus()).isEqualTo(503);
		assertThat(unavailable.getHeader("Retry-After")).isEqualTo("5");
		assertThat(unavailable.getHeader("WWW-Authenticate")).isNull();
	}

	private static MockHttpServletResponse call(JwtSessionFilter filter, String token) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders");
		request.setServletPath("/orders");
		request.addHeader("Authorization", "Bearer " + token);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		return response;
	}

}
