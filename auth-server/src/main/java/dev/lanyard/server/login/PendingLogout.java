package dev.lanyard.server.login;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lanyard.server.protocol.RedirectUriParameters;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A validated RP-initiated logout request waiting for the user's confirmation, kept in
 * the login session. The redirect URI was checked against the client's registered
 * post-logout redirect URIs before it got here. Only the confirmation page's form carries
 * it on (its {@link #id}, {@value #PARAMETER}): a sign-out from anywhere else ends at
 * Lanyard's "signed out" page, not at the client of a logout request left unanswered.
 *
 * @param clientName the client that asked; may be {@code null}
 * @param postLogoutRedirectUri where to send the user afterwards; may be {@code null}
 * @param state the client's state, echoed on that redirect; may be {@code null}
 * @param id a random name the confirmation form sends back; {@code null} for a request
 * finished at once (nobody signed in)
 */
public record PendingLogout(String clientName, String postLogoutRedirectUri, String state,
		String id) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/** Session attribute holding the pending logout. */
	public static final String SESSION_ATTRIBUTE = PendingLogout.class.getName();

	/** The confirmation form's field naming the logout request it answers. */
	public static final String PARAMETER = "logout_request";

	private static final SecureRandom random = new SecureRandom();

	/** A logout request that waits for the person's confirmation, with a new name. */
	public static PendingLogout waiting(String clientName, String postLogoutRedirectUri, String state) {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return new PendingLogout(clientName, postLogoutRedirectUri, state,
				Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
	}

	/** Whether the sign-out request is this logout's confirmation form. */
	public boolean answeredBy(HttpServletRequest request) {
		return this.id != null && this.id.equals(request.getParameter(PARAMETER));
	}

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
