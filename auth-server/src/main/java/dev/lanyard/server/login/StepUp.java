package dev.lanyard.server.login;

import java.io.IOException;
import java.time.Clock;

import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;

/**
 * A second factor asked of a person who is signed in with one only, because what they do
 * next needs more (the console for administrators, a client or an authorization request
 * asking for multi-factor authentication). The session stays signed in as it was; the
 * second-factor page ({@link SecondFactorStep}) adds the factor to that sign-in and then
 * resumes the request the caller saved.
 */
public final class StepUp {

	private final SecondFactors secondFactors;

	private final Clock clock;

	public StepUp(SecondFactors secondFactors, Clock clock) {
		this.secondFactors = secondFactors;
		this.clock = clock;
	}

	/** Whether the sign-in already has two factors or more. */
	public static boolean multiFactor(Authentication signedIn) {
		return AuthenticationMethods.of(signedIn).contains(AuthenticationMethods.MULTIPLE_FACTORS);
	}

	/** Whether the person can step up: they have a second factor to give. */
	public boolean possible(Authentication signedIn) {
		return signedIn.getPrincipal() instanceof LanyardUser user && this.secondFactors.enrolled(user.id());
	}

	/**
	 * Keeps the sign-in for its second factor and returns the page that asks for it, for
	 * a controller to redirect to.
	 */
	public String hold(HttpServletRequest request, Authentication signedIn) {
		PendingSignIn.hold(request, signedIn, this.clock.instant(), null);
		return SecondFactorStep.PATH;
	}

	/** Sends the person to give their second factor (303: RFC 9700 §4.12). */
	public void begin(HttpServletRequest request, HttpServletResponse response, Authentication signedIn)
			throws IOException {
		PendingSignIn.hold(request, signedIn, this.clock.instant(), null);
		response.setStatus(HttpServletResponse.SC_SEE_OTHER);
		response.setHeader("Location", request.getContextPath() + SecondFactorStep.PATH);
	}

}
