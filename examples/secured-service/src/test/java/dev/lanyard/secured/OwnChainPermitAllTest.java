package dev.lanyard.secured;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A service whose own chain permits everything (security added for {@code @PreAuthorize}
 * only): the library's filter still refuses a request without a valid token, and method
 * security still sees the session's roles.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnChainPermitAllTest extends SpringSecurityContract {

	@TestConfiguration(proxyBeanMethods = false)
	static class PermitAll {

		@Bean
		SecurityFilterChain everythingPermitted(HttpSecurity http) {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
			return http.build();
		}

	}

	@Test
	void requestWhenNoTokenThenStill401() throws Exception {
		HttpResponse<String> response = send("GET", "/orders", null);
		assertThat(response.statusCode()).isEqualTo(401);
	}

}
