package dev.lanyard.server.protocol;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.ClaimsRequest;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Asks a person signed in with one factor for their second one when an authorization
 * request wants multi-factor authentication (a step-up): {@code acr_values} naming
 * {@value AuthenticationMethods#MULTI_FACTOR} (OpenID Connect Core §3.1.2.1), or the
 * {@code claims} parameter asking for it as the only essential {@code acr} (§5.5.1.1). A
 * client registered with {@code require-mfa}, or a person marked {@code mfa-required},
 * asks the same of every request; a person without a second factor is then sent to set
 * one up. The request is kept and resumed after the second factor, in the same session. A
 * person without a second factor goes on as they are: a voluntary {@code acr_values} is
 * then answered with the {@code acr} the sign-in met, an essential one with
 * {@code access_denied} ({@link AuthorizationRequestRules}). Requests with
 * {@code prompt=none} show no page and are left to those rules too.
 */
final class StepUpFilter extends OncePerRequestFilter {

	private final AuthorizationRequestCache requests;

	private final StepUp stepUp;

	private final RegisteredClientRepository clients;

	private final SecondFactors secondFactors;

	StepUpFilter(AuthorizationRequestCache requests, StepUp stepUp, RegisteredClientRepository clients,
			SecondFactors secondFactors) {
		this.secondFactors = secondFactors;
		this.requests = requests;
		this.stepUp = stepUp;
		this.clients = clients;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !ReauthenticationFilter.isAuthorizationRequest(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
		if (signedIn == null || !signedIn.isAuthenticated() || !(signedIn.getPrincipal() instanceof LanyardUser)
				|| StepUp.multiFactor(signedIn) || ReauthenticationFilter.prompts(request).contains("none")) {
			chain.doFilter(request, response);
			return;
		}
		boolean clientRequires = clientRequiresMultiFactor(request)
				|| this.secondFactors.requiredFor(((LanyardUser) signedIn.getPrincipal()).id());
		if (!clientRequires && !asksForMultiFactor(request)) {
			chain.doFilter(request, response);
			return;
		}
		if (this.stepUp.possible(signedIn)) {
			this.requests.saveRequest(request, response);
			this.stepUp.begin(request, response, signedIn);
			return;
		}
		if (clientRequires) {
			// No second factor to give: the person sets one up first (the client is
			// refused the single-factor sign-in by AuthorizationRequestRules in any
			// case).
			response.setStatus(HttpServletResponse.SC_SEE_OTHER);
			response.setHeader("Location", request.getContextPath() + "/account?second-factor-required#two-step");
			return;
		}
		chain.doFilter(request, response);
	}

	/** A client registered with {@code require-mfa}. */
	private boolean clientRequiresMultiFactor(HttpServletRequest request) {
		String clientId = request.getParameter("client_id");
		RegisteredClient client = (clientId != null) ? this.clients.findByClientId(clientId) : null;
		return client != null && LanyardRegisteredClientRepository.requireMfa(client);
	}

	private static boolean asksForMultiFactor(HttpServletRequest request) {
		String acrValues = request.getParameter("acr_values");
		if (acrValues != null && List.of(acrValues.trim().split(" +")).contains(AuthenticationMethods.MULTI_FACTOR)) {
			return true;
		}
		String claims = request.getParameter(ClaimsRequest.PARAMETER);
		if (claims == null) {
			return false;
		}
		try {
			Set<String> essential = ClaimsRequest.parse(claims).essentialAcr();
			return essential.equals(Set.of(AuthenticationMethods.MULTI_FACTOR));
		}
		catch (IllegalArgumentException ex) {
			// Refused as invalid_request further on.
			return false;
		}
	}

}
