package dev.lanyard.server.login;

import java.io.Serial;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.LoginName;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The second step of signing in, for a person with a second factor: after the password
 * ({@link PendingSignIn}), a code from their authenticator app or one of their recovery
 * codes, posted to {@value #PATH}, or one of their passkeys, posted to
 * {@value #PASSKEY_PATH}. Attempts are throttled with the password's own budget for the
 * account and the address (a six-digit code must not be guessable where a password is
 * not). The resulting authentication is the password's plus the new factor
 * ({@link FactorGrantedAuthority}, as Spring Security records factors), authenticated
 * now; the session id changes, and the person goes on to what they asked for.
 */
final class SecondFactorStep {

	static final String PATH = "/login/second-factor";

	static final String PASSKEY_PATH = PATH + "/passkey";

	private SecondFactorStep() {
	}

	/** A code from the authenticator app, or a recovery code. */
	static AuthenticationFilter codeFilter(SecondFactors secondFactors, LoginThrottle throttle,
			JdbcUserAccountRepository users, LoginOutcomes outcomes, SecurityContextRepository contexts, Clock clock) {
		Prover codes = (user, answer, fromTrustedDevice) -> {
			if (secondFactors.blocked(user.id(), fromTrustedDevice)) {
				throw new SecondFactorBlockedException();
			}
			return secondFactors.prove(user.id(), (String) answer, fromTrustedDevice);
		};
		return filter(PATH, (request) -> request.getParameter("code"), codes, throttle, users, outcomes, contexts,
				clock);
	}

	/** One of the person's passkeys (WebAuthn), answering this session's options. */
	static AuthenticationFilter passkeyFilter(Passkeys passkeys, LoginThrottle throttle,
			JdbcUserAccountRepository users, LoginOutcomes outcomes, SecurityContextRepository contexts, Clock clock) {
		// Checked only once the throttle and the account allow it (the answer waits).
		Prover theirPasskey = (user, answer, fromTrustedDevice) -> ((PasskeyAnswer) answer).check()
			.filter((verified) -> verified.account().equals(user.id()))
			.map((verified) -> FactorGrantedAuthority.WEBAUTHN_AUTHORITY);
		return filter(
				PASSKEY_PATH, (request) -> (PasskeyAnswer) () -> passkeys.authenticate(request,
						request.getParameter("credential"), true),
				theirPasskey, throttle, users, outcomes, contexts, clock);
	}

	private static AuthenticationFilter filter(String path, AnswerReader answers, Prover prover, LoginThrottle throttle,
			JdbcUserAccountRepository users, LoginOutcomes outcomes, SecurityContextRepository contexts, Clock clock) {
		AuthenticationFilter filter = new AuthenticationFilter(
				new ProviderManager(new SecondFactorCheck(prover, throttle, users, clock)), (request) -> {
					PendingSignIn pending = PendingSignIn.of(request, clock.instant());
					if (pending == null) {
						throw new BadCredentialsException("No sign-in waits for a second factor");
					}
					return new SecondFactorAnswer(pending.passwordSignIn(), answers.read(request),
							request.getRemoteAddr());
				});
		filter.setRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, path));
		filter.setSecurityContextRepository(contexts);
		filter.setSuccessHandler(outcomes);
		filter.setFailureHandler(outcomes);
		return filter;
	}

	/** What the person gave, read from the request (with the session it belongs to). */
	@FunctionalInterface
	private interface AnswerReader {

		Object read(HttpServletRequest request);

	}

	/** A passkey's answer, checked when called. */
	@FunctionalInterface
	interface PasskeyAnswer {

		Optional<Passkeys.Verified> check();

	}

	/**
	 * The factor an answer proves for the person, if any, given from a browser the
	 * account trusts (its device cookie) or not.
	 */
	@FunctionalInterface
	private interface Prover {

		Optional<String> prove(LanyardUser user, Object answer, boolean fromTrustedDevice);

	}

	/** The sign-in waiting for its second factor may not go on. */
	static final class SignInEndedException extends AuthenticationException {

		@Serial
		private static final long serialVersionUID = 1L;

		SignInEndedException() {
			super("The sign-in may not go on");
		}

	}

	/**
	 * Too many wrong second factors one after the other: none is taken until an
	 * administrator resets them.
	 */
	static final class SecondFactorBlockedException extends AuthenticationException {

		@Serial
		private static final long serialVersionUID = 1L;

		SecondFactorBlockedException() {
			super("Second factors blocked");
		}

	}

	/** An answer given for a sign-in whose password was right. */
	static final class SecondFactorAnswer extends AbstractAuthenticationToken {

		@Serial
		private static final long serialVersionUID = 1L;

		private final transient Authentication passwordSignIn;

		private final transient Object answer;

		private final String remoteAddress;

		SecondFactorAnswer(Authentication passwordSignIn, Object answer, String remoteAddress) {
			super(List.of());
			this.passwordSignIn = passwordSignIn;
			this.answer = answer;
			this.remoteAddress = remoteAddress;
		}

		@Override
		public Object getCredentials() {
			return null;
		}

		@Override
		public Object getPrincipal() {
			return this.passwordSignIn.getPrincipal();
		}

	}

	private record SecondFactorCheck(Prover prover, LoginThrottle throttle, JdbcUserAccountRepository users,
			Clock clock) implements AuthenticationProvider {

		@Override
		public Authentication authenticate(Authentication authentication) {
			SecondFactorAnswer given = (SecondFactorAnswer) authentication;
			LanyardUser user = (LanyardUser) given.getPrincipal();
			LoginDetails signIn = (given.passwordSignIn.getDetails() instanceof LoginDetails details) ? details : null;
			LoginAttempt attempt = LoginAttempt.of(LoginName.canonical(user.loginName()),
					(signIn != null) ? signIn.trustedDevice() : null, given.remoteAddress);
			if (!this.throttle.tryAcquire(attempt)) {
				throw new LoginThrottledException();
			}
			// The account as it is now: disabled, locked, or every sign-in ended (a
			// password change, "sign out everywhere") since the password was given, and
			// the sign-in is over.
			// Against a cut-off this session was carried past ("sign out everywhere
			// else" from it), as at every request.
			Instant signedInAt = (signIn != null) ? signIn.standingFrom() : null;
			Optional<String> factor = this.throttle.checking(attempt, () -> {
				if (!this.users.standing(user.id())
					.map((standing) -> standing.allows(user, signedInAt))
					.orElse(false)) {
					throw new SignInEndedException();
				}
				return this.prover.prove(user, given.answer, signIn != null && signIn.trustedDevice() != null);
			});
			if (factor.isEmpty()) {
				throw new BadCredentialsException("Wrong or used second factor");
			}
			this.throttle.release(attempt);
			Instant now = this.clock.instant();
			return given.passwordSignIn.toBuilder()
				.authorities((authorities) -> authorities
					.add(FactorGrantedAuthority.withAuthority(factor.get()).issuedAt(now).build()))
				.details((signIn != null) ? signIn.at(now) : null)
				.build();
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return SecondFactorAnswer.class.isAssignableFrom(authentication);
		}

	}

}
