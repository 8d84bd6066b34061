package dev.lanyard.jwt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Downloads the JWKS document over HTTP, finding its location through OpenID Connect
 * Discovery when it is not configured.
 *
 * <p>
 * Every request goes only to the configured issuer's discovery document or to the JWKS
 * URL it (or the configuration) names; nothing in a token can change that (RFC 8725
 * §3.10). Redirects are not followed, timeouts and a size limit apply. Thread-safe.
 */
final class JwkSetFetcher {

	static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

	private final String issuer;

	private final int connectTimeoutMillis;

	private final int readTimeoutMillis;

	private final int sizeLimit;

	private volatile URI jwksUri;

	JwkSetFetcher(String issuer, URI jwksUri, Duration connectTimeout, Duration readTimeout, int sizeLimit) {
		this.issuer = issuer;
		this.jwksUri = jwksUri;
		this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
		this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
		this.sizeLimit = sizeLimit;
	}

	/**
	 * Fetches the current JWKS document.
	 * @throws IOException on any network, HTTP status, size or discovery failure
	 */
	String fetchJwkSet() throws IOException {
		return get(jwksUri(), "application/jwk-set+json, application/json");
	}

	private URI jwksUri() throws IOException {
		URI uri = this.jwksUri;
		if (uri == null) {
			uri = discoverJwksUri();
			this.jwksUri = uri;
		}
		return uri;
	}

	// OpenID Connect Discovery 1.0 §4: metadata at issuer +
	// /.well-known/openid-configuration,
	// whose "issuer" MUST be identical to the issuer it was fetched for (§4.3).
	private URI discoverJwksUri() throws IOException {
		String base = this.issuer.endsWith("/") ? this.issuer.substring(0, this.issuer.length() - 1) : this.issuer;
		URI discovery = URI.create(base + DISCOVERY_PATH);
		Map<String, Object> metadata;
		try {
			metadata = JSONObjectUtils.parse(get(discovery, "application/json"));
			if (metadata == null) {
				throw new ParseException("not a JSON object", 0);
			}
			if (!this.issuer.equals(JSONObjectUtils.getString(metadata, "issuer"))) {
				throw new IOException("Discovery document at " + discovery + " names a different issuer");
			}
			String location = JSONObjectUtils.getString(metadata, "jwks_uri");
			if (location == null) {
				throw new IOException("Discovery document at " + discovery + " has no jwks_uri");
			}
			return httpUri(location);
		}
		catch (ParseException e) {
			throw new IOException("Discovery document at " + discovery + " is not valid JSON metadata", e);
		}
	}

	static URI httpUri(String location) throws IOException {
		try {
			URI uri = new URI(location);
			if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
					|| uri.getHost() == null) {
				throw new IOException("Not an absolute http(s) URL: " + location);
			}
			return uri;
		}
		catch (URISyntaxException e) {
			throw new IOException("Not a valid URL: " + location, e);
		}
	}

	private String get(URI uri, String accept) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
		try {
			connection.setInstanceFollowRedirects(false);
			connection.setConnectTimeout(this.connectTimeoutMillis);
			connection.setReadTimeout(this.readTimeoutMillis);
			connection.setUseCaches(false);
			connection.setRequestProperty("Accept", accept);
			int status = connection.getResponseCode();
			if (status != HttpURLConnection.HTTP_OK) {
				throw new IOException("GET " + uri + " answered HTTP " + status);
			}
			long declared = connection.getContentLengthLong();
			if (declared > this.sizeLimit) {
				throw new IOException("GET " + uri + " answered more than " + this.sizeLimit + " bytes");
			}
			try (InputStream body = connection.getInputStream()) {
				return new String(readAtMost(body, uri), StandardCharsets.UTF_8);
			}
		}
		finally {
			connection.disconnect();
		}
	}

	private byte[] readAtMost(InputStream body, URI uri) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(this.sizeLimit, 8192));
		byte[] buffer = new byte[8192];
		int total = 0;
		for (int n; (n = body.read(buffer)) != -1;) {
			total += n;
			if (total > this.sizeLimit) {
				throw new IOException("GET " + uri + " answered more than " + this.sizeLimit + " bytes");
			}
			out.write(buffer, 0, n);
		}
		return out.toByteArray();
	}

	@Override
	public String toString() {
		URI uri = this.jwksUri;
		return uri != null ? uri.toString() : this.issuer + DISCOVERY_PATH;
	}

}
