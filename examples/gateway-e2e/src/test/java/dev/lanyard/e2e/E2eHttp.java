package dev.lanyard.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP calls the end-to-end tests make, as a client outside would make them. */
final class E2eHttp {

	static final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private E2eHttp() {
	}

	/**
	 * A GET with an Authorization header (if not null) and other headers (name, value …).
	 */
	static HttpResponse<String> get(String url, String authorization, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(http, request.build());
	}

	/** A form POST with an Authorization header and other headers (name, value …). */
	static HttpResponse<String> post(String url, Map<String, String> form, String authorization, String... headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(15))
			.header("Authorization", authorization)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form(form)));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(http, request.build());
	}

	static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	static Map<String, Object> json(String body) {
		return json.readValue(body, new TypeReference<Map<String, Object>>() {
		});
	}

	static String form(Map<String, String> form) {
		StringJoiner body = new StringJoiner("&");
		form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
		return body.toString();
	}

	static String basic(String id, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	/**
	 * Polls {@code url} with the token until the gateway refuses it; fails unless that
	 * happens within one second (the promise for revocations).
	 */
	static void assertRefusedWithinOneSecond(String url, String token) throws Exception {
		java.time.Instant deadline = java.time.Instant.now().plusSeconds(1);
		int status = get(url, "Bearer " + token).statusCode();
		while (status == 200 && java.time.Instant.now().isBefore(deadline)) {
			Thread.sleep(50);
			status = get(url, "Bearer " + token).statusCode();
		}
		org.assertj.core.api.Assertions.assertThat(status).as("refused within one second").isEqualTo(401);
	}

	/**
	 * Waits until an exchange service hears revocations (its health is no longer
	 * DEGRADED): before that, cached JWTs are served for up to 10 s after a revocation.
	 */
	static void awaitRevocationsHeard(String exchange) throws Exception {
		java.time.Instant deadline = java.time.Instant.now().plusSeconds(15);
		while (get(exchange + "/actuator/health", null).body().contains("DEGRADED")) {
			org.assertj.core.api.Assertions.assertThat(java.time.Instant.now())
				.as("the revocation stream is heard")
				.isBefore(deadline);
			Thread.sleep(100);
		}
	}

}
