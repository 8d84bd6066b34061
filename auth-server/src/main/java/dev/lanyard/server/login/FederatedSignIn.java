package dev.lanyard.server.login;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.PromptValues;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.federation.FederatedAccounts;
import dev.lanyard.server.federation.FederatedAccounts.FederatedSignInException;
import dev.lanyard.server.federation.FederatedAccounts.FederatedSignInException.Reason;
import dev.lanyard.server.federation.FederatedIdentities;
import dev.lanyard.server.federation.FederatedLinks;
import dev.lanyard.server.federation.UpstreamLogout;
import dev.lanyard.server.federation.IdentityProvider;
import dev.lanyard.server.federation.IdentityProviders;
import dev.lanyard.server.federation.UpstreamRegistrations;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserAccount;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.authentication.OAuth2LoginAuthenticationProvider;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizationRequestRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2LoginAuthenticationFilter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestTemplate;

/**
 * Signing in at an upstream identity provider, with Spring Security's OAuth 2.0 client:
 * the login page's button leads to {@value #START_PATH}{@code /{id}}, which sends the
 * browser to the upstream with {@code state}, PKCE and (OpenID Connect) a {@code nonce};
 * the upstream sends it back to {@code /login/federated/{id}}, where the code is redeemed
 * and the ID token checked against the upstream's keys. Lanyard then checks what the
 * framework does not: that the answer came back on the path of the provider it was sent
 * to and, when the upstream names itself in its answers, that it names the right issuer
 * (RFC 9207 §2.4; both defend against mix-up, RFC 9700 §4.4). The upstream identity then
 * signs in to a local account ({@link FederatedAccounts}): the session is Lanyard's own,
 * with {@code amr} {@code fed} and the provider in {@code idp}. A person with a second
 * factor here gives it next, unless the provider is trusted for its own ({@code mfa}).
 * Upstream access and refresh tokens are not kept; the upstream ID token waits in the
 * login session, sealed, only where the provider's sign-out is to follow
 * ({@link UpstreamLogout}).
 */
final class FederatedSignIn {

	static final String START_PATH = "/login/with";

	static final String CALLBACK_PATH = UpstreamRegistrations.CALLBACK_PATH;

	private static final Logger logger = LoggerFactory.getLogger(FederatedSignIn.class);

	private FederatedSignIn() {
	}

	/** Where the upstream's authorization request waits for its answer: the session. */
	static AuthorizationRequestRepository<OAuth2AuthorizationRequest> requests() {
		return new HttpSessionOAuth2AuthorizationRequestRepository();
	}

	/** Sends the browser to the upstream. */
	static OAuth2AuthorizationRequestRedirectFilter startFilter(UpstreamRegistrations registrations,
			AuthorizationRequestRepository<OAuth2AuthorizationRequest> requests,
			AuthenticationFailureHandler failures) {
		DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
				registrations, START_PATH);
		resolver.setAuthorizationRequestCustomizer(FederatedSignIn::askForWhatTheClientAsked);
		OAuth2AuthorizationRequestRedirectFilter filter = new OAuth2AuthorizationRequestRedirectFilter(resolver);
		filter.setAuthorizationRequestRepository(requests);
		filter.setAuthenticationFailureHandler(failures);
		return filter;
	}

	/**
	 * Asks the upstream for the sign-in the client asked Lanyard for (OpenID Connect Core
	 * §3.1.2.1): {@code prompt=login} when the person is to sign in again (they are
	 * signed in here already, or the waiting request says {@code prompt=login} or
	 * {@code select_account}), and the request's {@code max_age}; otherwise the upstream
	 * may answer from its own session, and its {@code auth_time} says when.
	 */
	private static void askForWhatTheClientAsked(OAuth2AuthorizationRequest.Builder upstreamRequest) {
		if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
			return;
		}
		HttpServletRequest request = attributes.getRequest();
		Authentication current = SecurityContextHolder.getContext().getAuthentication();
		SavedRequest waiting = new HttpSessionRequestCache().getRequest(request, null);
		String[] prompt = (waiting != null) ? waiting.getParameterValues(PromptValues.PARAMETER) : null;
		String[] maxAge = (waiting != null) ? waiting.getParameterValues("max_age") : null;
		boolean signInAgain = (current != null && current.getPrincipal() instanceof LanyardUser)
				|| (prompt != null && prompt.length == 1 && PromptValues.asksToSignInAgain(prompt[0]));
		upstreamRequest.additionalParameters((parameters) -> {
			if (signInAgain) {
				parameters.put(PromptValues.PARAMETER, "login");
			}
			if (maxAge != null && maxAge.length == 1 && maxAge[0].matches("[0-9]{1,9}")) {
				parameters.put("max_age", maxAge[0]);
			}
		});
	}

	/** Takes the upstream's answer and signs the person in. */
	static OAuth2LoginAuthenticationFilter callbackFilter(UpstreamRegistrations registrations,
			IdentityProviders providers, FederatedAccounts accounts, FederatedLinks links,
			UpstreamLogout upstreamLogout, SecondFactors secondFactors, TrustedDevices devices,
			AuthorizationRequestRepository<OAuth2AuthorizationRequest> requests, LoginOutcomes outcomes,
			AuthenticationFailureHandler failures, SecurityContextRepository contexts, Clock clock) {
		Callback filter = new Callback(registrations, providers, accounts, links, upstreamLogout, secondFactors,
				requests, clock);
		filter.setAuthenticationManager(upstreamAnswers(registrations));
		filter.setAuthorizationRequestRepository(requests);
		filter.setAuthenticationDetailsSource(LoginDetails.source(devices));
		filter.setSecurityContextRepository(contexts);
		filter.setSessionAuthenticationStrategy(new ChangeSessionIdAuthenticationStrategy());
		filter.setAuthenticationSuccessHandler(outcomes);
		filter.setAuthenticationFailureHandler(failures);
		return filter;
	}

	/**
	 * Redeems the code and reads the person: OpenID Connect (ID token, then user info
	 * where the upstream has it) or plain OAuth 2.0 (user info). Every call to the
	 * upstream has short timeouts.
	 */
	private static ProviderManager upstreamAnswers(UpstreamRegistrations registrations) {
		RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
		tokens.setRestClient(RestClient.builder()
			.requestFactory(UpstreamRegistrations.requestFactory())
			.configureMessageConverters((converters) -> {
				converters.addCustomConverter(new FormHttpMessageConverter());
				converters.addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter());
			})
			.defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
			.build());
		tokens.addParametersConverter(registrations.clientAssertions());
		RestTemplate userInfoCalls = new RestTemplate(UpstreamRegistrations.requestFactory());
		userInfoCalls.setErrorHandler(new OAuth2ErrorResponseErrorHandler());
		DefaultOAuth2UserService userInfo = new DefaultOAuth2UserService();
		userInfo.setRestOperations(userInfoCalls);
		OidcUserService oidcUsers = new OidcUserService();
		oidcUsers.setOauth2UserService(userInfo);
		OidcAuthorizationCodeAuthenticationProvider openIdConnect = new OidcAuthorizationCodeAuthenticationProvider(
				tokens, oidcUsers);
		openIdConnect.setJwtDecoderFactory(registrations);
		return new ProviderManager(openIdConnect, new OAuth2LoginAuthenticationProvider(tokens, userInfo));
	}

	/** The answer's page: back on the login page, naming the provider and what failed. */
	static AuthenticationFailureHandler failures(LoginOutcomes outcomes, AuditLog audit, IdentityProviders providers) {
		return (request, response, exception) -> {
			if (exception instanceof SecondFactorRequiredException) {
				outcomes.onAuthenticationFailure(request, response, exception);
				return;
			}
			String providerId = providerIdOf(request);
			Reason reason;
			if (exception instanceof FederatedSignInException refused) {
				reason = refused.reason();
			}
			else if (causedByUnavailableUpstream(exception)) {
				reason = Reason.UNAVAILABLE;
			}
			else {
				reason = Reason.FAILED;
			}
			if (providerId == null || providers.find(providerId).isEmpty()) {
				// No such provider (a stale or made-up link): the login page, nothing to
				// log.
				LoginOutcomes.seeOther(request, response, "/login");
				return;
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("idp", providerId);
			details.put("reason", reason.code());
			// Anyone can send made-up answers to the callback, as often as they like:
			// recorded and logged once a minute per address (the metric counts all).
			boolean recorded = audit.recordRepeatable("unknown", "login.federated_failed", "idp:" + providerId,
					request.getRemoteAddr(), details);
			if (recorded && (reason == Reason.UNAVAILABLE || reason == Reason.FAILED)) {
				// The error code only: never a token, a code or the upstream's own text.
				logger.warn("Sign-in through identity provider {} failed ({}): {}", providerId, reason.code(),
						whatFailed(exception));
			}
			outcomes.countFailure();
			LoginOutcomes.seeOther(request, response, "/login?upstream=" + providerId + "&problem=" + reason.code());
		};
	}

	/**
	 * What failed, for the log: an OAuth error code (which may come from the upstream's
	 * answer, so only if it is a short plain token, else "unexpected"), or the kind of
	 * exception; never a message, which may carry the upstream's text.
	 */
	static String whatFailed(Throwable exception) {
		if (exception instanceof OAuth2AuthenticationException oauth) {
			String code = oauth.getError().getErrorCode();
			return (code != null && code.matches("[A-Za-z0-9_.-]{1,64}")) ? code : "unexpected";
		}
		return NestedExceptionUtils.getMostSpecificCause(exception).getClass().getSimpleName();
	}

	private static boolean causedByUnavailableUpstream(Throwable exception) {
		for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
			if (cause instanceof UpstreamRegistrations.UpstreamUnavailableException
					|| cause instanceof org.springframework.web.client.ResourceAccessException) {
				return true;
			}
			if (cause instanceof OAuth2AuthenticationException oauth
					&& List.of("invalid_token_response", "invalid_user_info_response")
						.contains(oauth.getError().getErrorCode())) {
				return true;
			}
		}
		return false;
	}

	/** The provider id in a start or callback path ({@code /login/…/{id}}). */
	static String providerIdOf(HttpServletRequest request) {
		String path = request.getServletPath();
		String id = path.substring(path.lastIndexOf('/') + 1);
		return IdentityProviders.acceptableId(id) ? id : null;
	}

	/** The callback: the framework's checks, Lanyard's, then the local account. */
	private static final class Callback extends OAuth2LoginAuthenticationFilter {

		private final UpstreamRegistrations registrations;

		private final IdentityProviders providers;

		private final FederatedAccounts accounts;

		private final SecondFactors secondFactors;

		private final AuthorizationRequestRepository<OAuth2AuthorizationRequest> requests;

		private final Clock clock;

		private final FederatedLinks links;

		private final UpstreamLogout upstreamLogout;

		Callback(UpstreamRegistrations registrations, IdentityProviders providers, FederatedAccounts accounts,
				FederatedLinks links, UpstreamLogout upstreamLogout, SecondFactors secondFactors,
				AuthorizationRequestRepository<OAuth2AuthorizationRequest> requests, Clock clock) {
			super(registrations, new NothingKept(), CALLBACK_PATH + "/*");
			this.links = links;
			this.upstreamLogout = upstreamLogout;
			this.registrations = registrations;
			this.providers = providers;
			this.accounts = accounts;
			this.secondFactors = secondFactors;
			this.requests = requests;
			this.clock = clock;
		}

		@Override
		public Authentication attemptAuthentication(HttpServletRequest request, HttpServletResponse response)
				throws AuthenticationException {
			String providerId = providerIdOf(request);
			try {
				return attempt(request, response, providerId);
			}
			catch (UpstreamRegistrations.UpstreamUnavailableException | RestClientException ex) {
				throw new FederatedSignInException(providerId, Reason.UNAVAILABLE);
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				// An answer the framework cannot make a person of (a plain OAuth 2.0
				// provider's user info without the subject member names): a failed
				// sign-in, never a server error.
				throw refused("invalid_user_info_response");
			}
		}

		private Authentication attempt(HttpServletRequest request, HttpServletResponse response, String providerId) {
			OAuth2AuthorizationRequest sent = this.requests.loadAuthorizationRequest(request);
			if (sent != null) {
				String sentTo = sent.getAttribute(OAuth2ParameterNames.REGISTRATION_ID);
				if (!sentTo.equals(providerId)) {
					// An answer on another provider's path: a mix-up (RFC 9700 §4.4.2).
					this.requests.removeAuthorizationRequest(request, response);
					throw refused("mix_up");
				}
				ClientRegistration registration = this.registrations.findByRegistrationId(sentTo);
				if (registration != null) {
					checkIssuer(request, response, registration);
				}
			}
			OAuth2AuthenticationToken upstream = (OAuth2AuthenticationToken) super.attemptAuthentication(request,
					response);
			IdentityProvider provider = this.providers.find(upstream.getAuthorizedClientRegistrationId())
				.orElseThrow(() -> refused("client_registration_not_found"));
			OAuth2User person = upstream.getPrincipal();
			String subject = (person instanceof OidcUser oidc) ? oidc.getSubject() : person.getName();
			LoginDetails details = ((LoginDetails) upstream.getDetails()).through(provider.id());
			if (person instanceof OidcUser oidc && oidc.getAuthenticatedAt() != null
					&& oidc.getAuthenticatedAt().isBefore(details.authenticatedAt())) {
				// When the person last proved who they are: at the upstream (auth_time),
				// which may have answered from its own session. The session still begins
				// now: its lifetime and the ends of every sign-in count from here (an
				// upstream session older than 12 hours, or than the person's last
				// password change, ended this one at its first request).
				details = details.authenticatedUpstreamAt(oidc.getAuthenticatedAt());
			}
			FederatedAccounts.UpstreamPerson upstreamPerson = new FederatedAccounts.UpstreamPerson(subject,
					person.getAttributes());
			UUID linking = this.links.requestedBy(request, provider.id());
			if (linking != null) {
				return linkTo(linking, provider, upstreamPerson, request, response);
			}
			UserAccount account;
			try {
				account = this.accounts.accountFor(provider, upstreamPerson, details.remoteAddress());
			}
			catch (FederatedSignInException ex) {
				if (ex.reason() == Reason.SIGN_IN_TO_LINK && provider.linkByVerifiedEmail()) {
					this.links.holdForSignIn(request, provider, upstreamPerson);
					throw new FederatedSignInException(provider.id(), Reason.SIGN_IN_LINKS);
				}
				throw ex;
			}
			// What signing out here needs to sign out there too, where the provider asks.
			this.upstreamLogout.signedIn(request, provider,
					(person instanceof OidcUser oidc) ? oidc.getIdToken().getTokenValue() : null);
			return signIn(provider, upstreamPerson, account, details);
		}

		/**
		 * The person signed in here asked to link this provider on the account page: the
		 * identity links to them, and they go back there; the sign-in stays as it was.
		 * @return {@code null}: the answer is written
		 */
		private Authentication linkTo(UUID userId, IdentityProvider provider, FederatedAccounts.UpstreamPerson person,
				HttpServletRequest request, HttpServletResponse response) {
			Authentication current = SecurityContextHolder.getContext().getAuthentication();
			if (current == null || !(current.getPrincipal() instanceof LanyardUser user) || !user.id().equals(userId)) {
				throw refused("link_without_sign_in");
			}
			if (!FederatedIdentities.keepable(person.subject())) {
				// As for a sign-in (FederatedAccounts#accountFor).
				throw new FederatedSignInException(provider.id(), FederatedSignInException.Reason.FAILED);
			}
			boolean linked = this.links.link(userId, provider.id(), person.subject(), person.verifiedEmail(),
					request.getRemoteAddr());
			LoginOutcomes.seeOther(request, response,
					"/account?" + (linked ? "linked=" : "link-refused=") + provider.id() + "#identities");
			return null;
		}

		/**
		 * RFC 9207 §2.4: an {@code iss} in the answer must be the issuer the request went
		 * to; an upstream that says it always sends one must have sent it.
		 */
		private void checkIssuer(HttpServletRequest request, HttpServletResponse response,
				ClientRegistration registration) {
			String expected = registration.getProviderDetails().getIssuerUri();
			String issuer = request.getParameter("iss");
			boolean wrong = (issuer != null) ? expected != null && !expected.equals(issuer)
					: UpstreamRegistrations.sendsIssuer(registration);
			if (wrong) {
				this.requests.removeAuthorizationRequest(request, response);
				throw refused("invalid_issuer");
			}
		}

		private Authentication signIn(IdentityProvider provider, FederatedAccounts.UpstreamPerson person,
				UserAccount account, LoginDetails details) {
			Instant now = this.clock.instant();
			LanyardUser user = LanyardUser.signedIn(account);
			List<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
			authorities.add(FactorGrantedAuthority.withAuthority(AuthenticationMethods.FEDERATED_AUTHORITY)
				.issuedAt(now)
				.build());
			boolean upstreamMultiFactor = provider.trustUpstreamMfa()
					&& person.authenticationMethods().contains(AuthenticationMethods.MULTIPLE_FACTORS);
			if (upstreamMultiFactor) {
				authorities.add(FactorGrantedAuthority.withAuthority(AuthenticationMethods.UPSTREAM_MFA_AUTHORITY)
					.issuedAt(now)
					.build());
			}
			UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(user, null,
					authorities);
			signedIn.setDetails(details);
			if (!upstreamMultiFactor && this.secondFactors.enrolled(account.id())) {
				throw new SecondFactorRequiredException(signedIn);
			}
			return signedIn;
		}

		private static OAuth2AuthenticationException refused(String code) {
			OAuth2Error error = new OAuth2Error(code);
			return new OAuth2AuthenticationException(error, error.toString());
		}

	}

	/**
	 * Upstream access and refresh tokens are not kept: they were needed for the sign-in
	 * only.
	 */
	private static final class NothingKept implements OAuth2AuthorizedClientRepository {

		@Override
		public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
				Authentication principal, HttpServletRequest request) {
			return null;
		}

		@Override
		public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal,
				HttpServletRequest request, HttpServletResponse response) {
		}

		@Override
		public void removeAuthorizedClient(String clientRegistrationId, Authentication principal,
				HttpServletRequest request, HttpServletResponse response) {
		}

	}

}
