package dev.lanyard.server.protocol;

import java.io.Serial;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * An OpenID Connect RP-Initiated Logout request (RP-Initiated Logout 1.0 §2), before and
 * after validation. Unlike the framework's, {@code id_token_hint} is optional, as the
 * specification allows; the user then confirms the logout on a page.
 */
final class RpInitiatedLogoutRequest extends AbstractAuthenticationToken {

	@Serial
	private static final long serialVersionUID = 1L;

	private final Authentication user;

	private final String idTokenHint;

	private final String clientId;

	private final String clientName;

	private final String postLogoutRedirectUri;

	private final String state;

	RpInitiatedLogoutRequest(Authentication user, String idTokenHint, String clientId, String clientName,
			String postLogoutRedirectUri, String state, boolean validated) {
		super(List.of());
		this.user = user;
		this.idTokenHint = idTokenHint;
		this.clientId = clientId;
		this.clientName = clientName;
		this.postLogoutRedirectUri = postLogoutRedirectUri;
		this.state = state;
		setAuthenticated(validated);
	}

	/** The signed-in user, or {@code null} when nobody is signed in. */
	Authentication user() {
		return this.user;
	}

	String idTokenHint() {
		return this.idTokenHint;
	}

	String clientId() {
		return this.clientId;
	}

	String clientName() {
		return this.clientName;
	}

	String postLogoutRedirectUri() {
		return this.postLogoutRedirectUri;
	}

	String state() {
		return this.state;
	}

	@Override
	public Object getPrincipal() {
		return this.user;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

}
