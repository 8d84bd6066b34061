package dev.lanyard.server.protocol;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.lanyard.server.PromptValues;
import dev.lanyard.server.login.LoginDetails;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Asks a signed-in person to sign in again when the authorization request says so (OpenID
 * Connect Core §3.1.2.1):
 * <ul>
 * <li>{@code prompt=login} (and {@code select_account}, which Lanyard, with one account
 * per sign-in, answers the same way): always;</li>
 * <li>{@code max_age}: when the last sign-in is older than that many seconds
 * ({@code max_age=0}: always). The ID token then carries {@code auth_time}, as it always
 * does at Lanyard.</li>
 * </ul>
 * The request is kept (without {@code login} and {@code select_account} in {@code prompt}
 * and without {@code max_age}, which the fresh sign-in meets, so it is not asked for
 * again) and resumed after the login page. The session is not ended: leaving the login
 * page keeps the earlier sign-in. Requests with {@code prompt=none} are left to the
 * framework: they must show no page (a {@code max_age} they combine with is not enforced
 * yet).
 */
final class ReauthenticationFilter extends OncePerRequestFilter {

	private final AuthorizationRequestCache requests;

	private final Clock clock;

	ReauthenticationFilter(AuthorizationRequestCache requests, Clock clock) {
		this.requests = requests;
		this.clock = clock;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !isAuthorizationRequest(request);
	}

	/** An authorization request (not the consent form posted to the same endpoint). */
	static boolean isAuthorizationRequest(HttpServletRequest request) {
		return "/oauth2/authorize".equals(request.getServletPath()) && request.getParameter("response_type") != null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
		if (signedIn == null || !signedIn.isAuthenticated() || signedIn instanceof AnonymousAuthenticationToken
				|| !mustSignInAgain(request, signedIn)) {
			chain.doFilter(request, response);
			return;
		}
		if (prompts(request).contains("none")) {
			// No page may be shown: the framework answers login_required to a request
			// without a (recent enough) sign-in. The session keeps its sign-in.
			SecurityContextHolder.getContextHolderStrategy()
				.setContext(SecurityContextHolder.getContextHolderStrategy().createEmptyContext());
			chain.doFilter(request, response);
			return;
		}
		this.requests.saveWithoutSignInPrompt(request);
		ReplacedAuthorizationRequest.rememberSignInAsked(request);
		response.sendRedirect(request.getContextPath() + "/login");
	}

	/**
	 * Drops from an authorization request's parameters what asked for a new sign-in, once
	 * that sign-in happened: {@code login} and {@code select_account} from
	 * {@code prompt}, and {@code max_age} ({@code max_age=0} would ask again forever).
	 */
	static void dropSignInPrompt(Map<String, String[]> parameters) {
		parameters.remove("max_age");
		String[] prompt = parameters.get(PromptValues.PARAMETER);
		if (prompt != null && prompt.length == 1) {
			String rest = PromptValues.of(prompt[0])
				.stream()
				.filter((value) -> !PromptValues.SIGN_IN_AGAIN.contains(value))
				.collect(Collectors.joining(" "));
			if (rest.isEmpty()) {
				parameters.remove(PromptValues.PARAMETER);
			}
			else {
				parameters.put(PromptValues.PARAMETER, new String[] { rest });
			}
		}
	}

	/** The space-separated values of {@code prompt} (OpenID Connect Core §3.1.2.1). */
	static List<String> prompts(HttpServletRequest request) {
		return PromptValues.of(request.getParameter(PromptValues.PARAMETER));
	}

	private boolean mustSignInAgain(HttpServletRequest request, Authentication signedIn) {
		if (PromptValues.asksToSignInAgain(request.getParameter(PromptValues.PARAMETER))) {
			return true;
		}
		String maxAge = request.getParameter("max_age");
		if (maxAge == null) {
			return false;
		}
		long seconds;
		try {
			seconds = Long.parseLong(maxAge.trim());
		}
		catch (NumberFormatException ex) {
			// Not a number of seconds: the strictest reading.
			return true;
		}
		if (seconds <= 0 || !(signedIn.getDetails() instanceof LoginDetails login)) {
			return true;
		}
		// Compared as the time since the sign-in: "now minus max_age" would fall before
		// Instant.MIN for a max_age of a few million years, and fail.
		return Duration.between(login.authenticatedAt(), this.clock.instant())
			.compareTo(Duration.ofSeconds(seconds)) > 0;
	}

}
