package dev.lanyard.server.login;

import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lanyard.server.protocol.RedirectUriParameters;

/**
 * A validated RP-initiated logout request waiting for the user's confirmation, kept in
 * the login session. The redirect URI was checked against the client's registered
 * post-logout redirect URIs before it got here.
 *
 * @param clientName the client that asked; may be {@code null}
 * @param postLogoutRedirectUri where to send the user afterwards; may be {@code null}
 * @param state the client's state, echoed on that redirect; may be {@code null}
 */
public record PendingLogout(String clientName, String postLogoutRedirectUri, String state) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/** Session attribute holding the pending logout. */
	public static final String SESSION_ATTRIBUTE = PendingLogout.class.getName();

	/**
	 * Where the user goes once signed out: the client's validated post-logout redirect
	 * URI with its state, or Lanyard's "signed out" page.
	 */
	public String finishLocation(String contextPath) {
		if (this.postLogoutRedirectUri == null) {
			return contextPath + "/logout/done";
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("state", this.state);
		return RedirectUriParameters.append(this.postLogoutRedirectUri, parameters);
	}

}
