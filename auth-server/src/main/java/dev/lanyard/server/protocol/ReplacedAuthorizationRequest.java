package dev.lanyard.server.protocol;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.web.UiLocales;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * An authorization request whose parameters Lanyard took from somewhere the browser
 * cannot change — a pushed request (RFC 9126, {@link PushedRequestParameters}) or a
 * signed request object (RFC 9101, {@link RequestObjectParameters}) — shown to every rule
 * after it as if sent plainly. What the browser brought ({@code client_id} and the
 * reference or object) is kept aside: the request saved for after a sign-in carries only
 * that, so the way back neither shows the parameters nor lets the browser change them.
 * <p>
 * A request that asked for a new sign-in ({@code prompt=login}, {@code max_age}) is met
 * once the person signed in after being sent to do so ({@link #rememberSignInAsked}):
 * otherwise its unchangeable {@code prompt} would send them to the login page forever.
 * "After" is told by the sign-in being another one than the one in place when asked, not
 * by comparing the asking node's clock with the signing-in node's: a node ahead by more
 * than the time a person takes to sign in sent them back to the login page again and
 * again.
 */
final class ReplacedAuthorizationRequest {

	private static final String KIND = ReplacedAuthorizationRequest.class.getName() + ".KIND";

	private static final String BROUGHT = ReplacedAuthorizationRequest.class.getName() + ".BROUGHT";

	private static final String KEY = ReplacedAuthorizationRequest.class.getName() + ".KEY";

	/**
	 * Not the name an older node kept the time of asking under: read with this meaning,
	 * its value would let a request skip the prompt (nodes of two versions serve during a
	 * rolling upgrade; the person is at most asked once more).
	 */
	private static final String SIGN_IN_ASKED = ReplacedAuthorizationRequest.class.getName() + ".SIGN_IN_ASKED_OF";

	private ReplacedAuthorizationRequest() {
	}

	/**
	 * Goes on with the request's parameters replaced.
	 * @param kind what they came from ({@code pushed}, {@code object})
	 * @param brought what the browser sent that names them, kept for the way back
	 * @param key names this very request, for its sign-in prompt
	 */
	static void proceed(HttpServletRequest request, ServletResponse response, FilterChain chain,
			Map<String, String[]> parameters, String kind, Map<String, String[]> brought, String key)
			throws IOException, ServletException {
		if (signedInSinceAsked(request, key)) {
			// Met once: the same object sent again asks again.
			request.getSession().removeAttribute(SIGN_IN_ASKED);
			ReauthenticationFilter.dropSignInPrompt(parameters);
		}
		request.setAttribute(KIND, kind);
		request.setAttribute(BROUGHT, new LinkedHashMap<>(brought));
		request.setAttribute(KEY, key);
		ReplacedParameters replaced = new ReplacedParameters(request, parameters);
		// The pages' language is the request's, not what the browser sent alongside.
		UiLocales.remember(replaced, true);
		chain.doFilter(replaced, response);
	}

	/** What the parameters were replaced from, or {@code null} when they were not. */
	static String kind(HttpServletRequest request) {
		return (String) request.getAttribute(KIND);
	}

	/** What the browser brought, when the parameters were replaced; else {@code null}. */
	@SuppressWarnings("unchecked")
	static Map<String, String[]> brought(HttpServletRequest request) {
		return (Map<String, String[]>) request.getAttribute(BROUGHT);
	}

	/**
	 * Remembers that the person was sent to sign in again for this request, and which
	 * sign-in was in place then.
	 */
	static void rememberSignInAsked(HttpServletRequest request) {
		Object key = request.getAttribute(KEY);
		if (key != null) {
			LoginDetails login = signIn();
			request.getSession()
				.setAttribute(SIGN_IN_ASKED, new SignInAsked((String) key, (login != null) ? login.sessionId() : null,
						(login != null) ? login.authenticatedAt() : null));
		}
	}

	/**
	 * Whether the person signed in since being sent to for this request: a sign-in other
	 * than the one in place then (a new one has a new session identifier, a further
	 * factor a new time; going on past "sign out everywhere else" changes neither).
	 */
	private static boolean signedInSinceAsked(HttpServletRequest request, String key) {
		HttpSession session = request.getSession(false);
		Object asked = (session != null) ? session.getAttribute(SIGN_IN_ASKED) : null;
		LoginDetails login = signIn();
		return asked instanceof SignInAsked signInAsked && signInAsked.key().equals(key) && login != null
				&& !(login.sessionId().equals(signInAsked.sessionId())
						&& login.authenticatedAt().equals(signInAsked.authenticatedAt()));
	}

	private static LoginDetails signIn() {
		Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
		return (signedIn != null && signedIn.getDetails() instanceof LoginDetails login) ? login : null;
	}

	/**
	 * A request's sign-in prompt, and the sign-in in place when the person was sent to
	 * meet it (both {@code null} when none said which).
	 */
	private record SignInAsked(String key, String sessionId, Instant authenticatedAt) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

}
