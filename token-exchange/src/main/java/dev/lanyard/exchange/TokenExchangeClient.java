package dev.lanyard.exchange;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Asks Lanyard's token endpoint to exchange an opaque access token for an internal JWT
 * (RFC 8693). One client holds a pooled HTTP client with connect and request timeouts.
 * Thread-safe.
 */
public final class TokenExchangeClient {

	static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

	private final HttpClient http;

	private final URI tokenEndpoint;

	private final String authorization;

	private final String audience;

	private final Duration requestTimeout;

	private final Consumer<HttpRequest.Builder> beforeSend;

	/**
	 * @param issuer the authorization server's issuer, e.g.
	 * {@code https://auth.example.com}
	 * @param clientId the gateway's client id
	 * @param clientSecret the gateway's client secret
	 * @param audience the audience to ask for; {@code null} for the client's default
	 * @param connectTimeout how long to wait for a connection
	 * @param requestTimeout how long to wait for an answer
	 */
	public TokenExchangeClient(URI issuer, String clientId, String clientSecret, String audience,
			Duration connectTimeout, Duration requestTimeout) {
		this(issuer, clientId, clientSecret, audience, connectTimeout, requestTimeout, (request) -> {
		});
	}

	/**
	 * As above, with headers of the caller's added to every request (e.g. the trace
	 * context, W3C {@code traceparent}).
	 * @param beforeSend adds headers to each request before it is sent
	 */
	public TokenExchangeClient(URI issuer, String clientId, String clientSecret, String audience,
			Duration connectTimeout, Duration requestTimeout, Consumer<HttpRequest.Builder> beforeSend) {
		this.beforeSend = beforeSend;
		String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
		this.tokenEndpoint = URI.create(base).resolve("oauth2/token");
		this.authorization = clientSecretBasic(clientId, clientSecret);
		this.audience = audience;
		this.requestTimeout = requestTimeout;
		this.http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	/**
	 * Exchanges one opaque access token. Never throws for the server's or network's
	 * failures.
	 */
	public ExchangeResult exchange(String opaqueToken) {
		StringBuilder form = new StringBuilder("grant_type=").append(encode(GRANT_TYPE))
			.append("&subject_token_type=")
			.append(encode(ACCESS_TOKEN_TYPE))
			.append("&requested_token_type=")
			.append(encode(JWT_TOKEN_TYPE))
			.append("&subject_token=")
			.append(encode(opaqueToken));
		if (this.audience != null) {
			form.append("&audience=").append(encode(this.audience));
		}
		HttpRequest.Builder builder = HttpRequest.newBuilder(this.tokenEndpoint)
			.timeout(this.requestTimeout)
			.header("Authorization", this.authorization)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(form.toString()));
		this.beforeSend.accept(builder);
		HttpRequest request = builder.build();
		// The request's own timeout ends when the answer's headers arrive: a body that
		// stalls after them (a half-open connection, a stuck proxy) would hold this
		// exchange, and every request waiting on it, for good. The whole answer gets the
		// request timeout.
		CompletableFuture<HttpResponse<String>> answer = this.http.sendAsync(request,
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> response;
		try {
			response = answer.get(this.requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			return new ExchangeResult.Unavailable("HttpTimeoutException");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return new ExchangeResult.Unavailable(cause.getClass().getSimpleName());
		}
		catch (InterruptedException ex) {
			answer.cancel(true);
			Thread.currentThread().interrupt();
			return new ExchangeResult.Unavailable("interrupted");
		}
		return read(response.statusCode(), response.body());
	}

	static ExchangeResult read(int status, String body) {
		if (status >= 500 || status == 429) {
			return new ExchangeResult.Unavailable("authorization server answered " + status);
		}
		Map<String, Object> json;
		try {
			json = JSONObjectUtils.parse(body);
		}
		catch (ParseException ex) {
			return new ExchangeResult.Unavailable("unreadable answer, status " + status);
		}
		if (status == 200 && json.get("access_token") instanceof String jwt
				&& JWT_TOKEN_TYPE.equals(json.get("issued_token_type"))) {
			try {
				JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
				Map<String, Object> confirmation = claims.getJSONObjectClaim("cnf");
				String dpopThumbprint = (confirmation != null && confirmation.get("jkt") instanceof String jkt) ? jkt
						: null;
				return new ExchangeResult.Exchanged(jwt, claims.getExpirationTime().toInstant(), dpopThumbprint);
			}
			catch (ParseException | NullPointerException ex) {
				return new ExchangeResult.Unavailable("the issued token is not a JWT with exp");
			}
		}
		if (status == 401) {
			// The gateway's own credentials were refused: a configuration fault, not the
			// token's.
			return new ExchangeResult.Unavailable("the gateway's client authentication was refused");
		}
		Object error = json.get("error");
		if ("invalid_grant".equals(error)) {
			// RFC 8693 §2.2.2: the subject token is invalid, expired, revoked or not a
			// user's.
			return new ExchangeResult.Rejected("invalid_grant");
		}
		// Anything else (invalid_target, invalid_scope, unauthorized_client, ...) is
		// about
		// the gateway's request, the same for every token: a configuration fault to
		// surface
		// as unavailability, not a reason to turn users away as unauthenticated.
		return new ExchangeResult.Unavailable("the exchange request was refused: "
				+ ((error instanceof String code && code.matches("[a-z_]{1,40}")) ? code : "status " + status));
	}

	/**
	 * The {@code Authorization} value of {@code client_secret_basic}: id and secret
	 * form-encoded before Base64 (RFC 6749 §2.3.1).
	 */
	static String clientSecretBasic(String clientId, String clientSecret) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
