package dev.lanyard.jwt.security;

import java.util.List;
import java.util.Objects;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A bearer token read from a request, not verified yet: what
 * {@link LanyardJwtAuthenticationProvider} takes. {@link #toString()} never shows the
 * token.
 */
public final class LanyardBearerToken extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final String token;

	/**
	 * @param token the compact JWT, not {@code null}
	 */
	public LanyardBearerToken(String token) {
		super(List.of());
		this.token = Objects.requireNonNull(token, "token");
	}

	/** The compact JWT. Never log it. */
	public String token() {
		return this.token;
	}

	@Override
	public Object getCredentials() {
		return this.token;
	}

	@Override
	public Object getPrincipal() {
		return "";
	}

	@Override
	public String toString() {
		return "LanyardBearerToken [not verified]";
	}

}
