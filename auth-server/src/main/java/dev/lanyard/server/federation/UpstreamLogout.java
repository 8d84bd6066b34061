package dev.lanyard.server.federation;

import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.key.MasterKey;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.stereotype.Service;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Signing out here continues at the upstream identity provider the person signed in with,
 * where its settings ask for it ({@code upstream-logout}): OpenID Connect RP-Initiated
 * Logout 1.0 §2 at the provider's {@code end_session_endpoint}, with the upstream ID
 * token as {@code id_token_hint} and Lanyard's {@value #RETURN_PATH} as
 * {@code post_logout_redirect_uri}; coming back there, the person goes on to where
 * Lanyard's own sign-out was to send them (the client's post-logout redirect URI, already
 * validated, or the "signed out" page). The ID token waits in the login session sealed
 * with the master key (the session store holds no upstream token in clear) and goes with
 * it.
 */
@Service
public class UpstreamLogout {

	/** Where the provider sends the person back; register it there. */
	public static final String RETURN_PATH = "/logout/upstream-done";

	private static final Logger logger = LoggerFactory.getLogger(UpstreamLogout.class);

	private static final String SIGNED_IN = UpstreamLogout.class.getName() + ".SIGNED_IN";

	private static final String RETURNING = UpstreamLogout.class.getName() + ".RETURNING";

	private static final String PURPOSE = "upstream-id-token";

	private static final SecureRandom random = new SecureRandom();

	private final IdentityProviders providers;

	private final UpstreamRegistrations registrations;

	private final MasterKey masterKey;

	private final String issuer;

	UpstreamLogout(IdentityProviders providers, UpstreamRegistrations registrations, MasterKey masterKey,
			LanyardProperties properties) {
		this.providers = providers;
		this.registrations = registrations;
		this.masterKey = masterKey;
		this.issuer = properties.issuerString();
	}

	/** A sign-in through a provider whose sign-out continues there. */
	public record SignedIn(String providerId, byte[] sealedIdToken) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	/**
	 * After a sign-in through a provider: keeps what its sign-out needs, if the provider
	 * asks for it.
	 */
	public void signedIn(HttpServletRequest request, IdentityProvider provider, String idToken) {
		HttpSession session = request.getSession();
		if (!provider.upstreamLogout() || idToken == null) {
			session.removeAttribute(SIGNED_IN);
			return;
		}
		session.setAttribute(SIGNED_IN,
				new SignedIn(provider.id(), this.masterKey.seal(idToken.getBytes(StandardCharsets.UTF_8), PURPOSE)));
	}

	/** A sign-in here: nothing to sign out of upstream any more. */
	public void signedInHere(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.removeAttribute(SIGNED_IN);
		}
	}

	/** The sign-in a sign-out should continue at, read before the session ends. */
	public Optional<SignedIn> of(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		return (session != null && session.getAttribute(SIGNED_IN) instanceof SignedIn signedIn) ? Optional.of(signedIn)
				: Optional.empty();
	}

	/**
	 * Where to send the person once signed out here: the provider's end-session endpoint,
	 * remembering in a new session where to go when they come back; empty when the
	 * provider has none (or cannot be reached now): then straight on.
	 * @param then where Lanyard's sign-out sends them
	 */
	public Optional<String> continueAt(HttpServletRequest request, SignedIn signedIn, String then) {
		Optional<IdentityProvider> provider = this.providers.find(signedIn.providerId())
			.filter(IdentityProvider::upstreamLogout);
		if (provider.isEmpty()) {
			return Optional.empty();
		}
		Object endSession;
		ClientRegistration registration;
		String idToken;
		try {
			registration = this.registrations.findByRegistrationId(provider.get().id());
			endSession = (registration != null)
					? registration.getProviderDetails().getConfigurationMetadata().get("end_session_endpoint") : null;
			// Sealed under another master key (changed while the session lived, or a
			// node runs with another one): the sign-out here goes on without the
			// upstream step.
			idToken = new String(this.masterKey.open(signedIn.sealedIdToken(), PURPOSE), StandardCharsets.UTF_8);
		}
		catch (RuntimeException ex) {
			logger.warn("Signing out at identity provider {} skipped: {}", signedIn.providerId(),
					ex.getClass().getSimpleName());
			return Optional.empty();
		}
		if (!(endSession instanceof String endpoint)) {
			return Optional.empty();
		}
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		request.getSession().setAttribute(RETURNING, new Returning(state, then));
		return Optional.of(UriComponentsBuilder.fromUriString(endpoint)
			.queryParam("id_token_hint", idToken)
			.queryParam("client_id", registration.getClientId())
			.queryParam("post_logout_redirect_uri", this.issuer + RETURN_PATH)
			.queryParam("state", state)
			.encode()
			.build()
			.toUriString());
	}

	/**
	 * Back from the provider: where Lanyard's sign-out was to send the person, if the
	 * state is the one this browser was sent with; else the "signed out" page.
	 */
	public String returned(HttpServletRequest request, String state) {
		HttpSession session = request.getSession(false);
		if (session == null || !(session.getAttribute(RETURNING) instanceof Returning returning)) {
			return "/logout/done";
		}
		session.removeAttribute(RETURNING);
		return returning.state().equals(state) ? returning.then() : "/logout/done";
	}

	private record Returning(String state, String then) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

}
