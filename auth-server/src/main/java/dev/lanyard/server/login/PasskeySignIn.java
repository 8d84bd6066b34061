package dev.lanyard.server.login;

import java.io.Serial;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserAccount;

import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Signing in with a passkey alone, without a username (a discoverable credential): the
 * browser answers the options this session was given ({@link Passkeys#signInOptions}),
 * posted to {@value #PATH}. The authenticator verified its user (PIN or biometric), so
 * the sign-in has two factors in one device: {@code hwk} and {@code mfa}. Throttled by
 * the address's budget; a disabled or locked account does not sign in. The session id
 * changes, as after a password.
 */
final class PasskeySignIn {

	static final String PATH = "/login/passkey";

	private PasskeySignIn() {
	}

	static AuthenticationFilter filter(Passkeys passkeys, LoginThrottle throttle, JdbcUserAccountRepository users,
			TrustedDevices devices, LoginOutcomes outcomes, SecurityContextRepository contexts, Clock clock) {
		AuthenticationFilter filter = new AuthenticationFilter(
				new ProviderManager(new PasskeyCheck(throttle, users, clock)),
				(request) -> new PasskeyAnswer(
						() -> passkeys.authenticate(request, request.getParameter("credential"), false),
						LoginDetails.source(devices).buildDetails(request)));
		filter.setRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, PATH));
		filter.setSecurityContextRepository(contexts);
		filter.setSuccessHandler(outcomes);
		filter.setFailureHandler(outcomes);
		return filter;
	}

	/** Whose passkey answered, if it held. */
	static final class PasskeyAnswer extends AbstractAuthenticationToken {

		@Serial
		private static final long serialVersionUID = 1L;

		/** Checks the answer; called once the throttle allows it. */
		private final transient SecondFactorStep.PasskeyAnswer answer;

		private final LoginDetails login;

		PasskeyAnswer(SecondFactorStep.PasskeyAnswer answer, LoginDetails login) {
			super(List.of());
			this.answer = answer;
			this.login = login;
		}

		@Override
		public Object getCredentials() {
			return null;
		}

		@Override
		public Object getPrincipal() {
			return null;
		}

	}

	private record PasskeyCheck(LoginThrottle throttle, JdbcUserAccountRepository users,
			Clock clock) implements AuthenticationProvider {

		@Override
		public Authentication authenticate(Authentication authentication) {
			PasskeyAnswer answer = (PasskeyAnswer) authentication;
			LoginAttempt attempt = LoginAttempt.of(null, null, answer.login.remoteAddress());
			if (!this.throttle.tryAcquire(attempt)) {
				throw new LoginThrottledException();
			}
			Optional<Passkeys.Verified> verified = this.throttle.checking(attempt, answer.answer::check);
			Optional<UserAccount> account = this.throttle.checking(attempt,
					() -> verified.map(Passkeys.Verified::account)
						.flatMap(this.users::findById)
						.filter((found) -> found.enabled() && !found.locked()));
			if (account.isEmpty()) {
				throw new BadCredentialsException("The passkey did not sign anyone in");
			}
			this.throttle.release(attempt);
			UserAccount found = account.get();
			LanyardUser user = LanyardUser.signedIn(found);
			Instant now = this.clock.instant();
			List<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
			authorities.add(FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.WEBAUTHN_AUTHORITY)
				.issuedAt(now)
				.build());
			if (verified.get().userVerified()) {
				authorities.add(FactorGrantedAuthority.withAuthority(AuthenticationMethods.USER_VERIFICATION_AUTHORITY)
					.issuedAt(now)
					.build());
			}
			UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(user, null,
					authorities);
			signedIn.setDetails(new LoginDetails(answer.login.sessionId(), now, answer.login.remoteAddress(),
					answer.login.trustedDevice()));
			return signedIn;
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return PasskeyAnswer.class.isAssignableFrom(authentication);
		}

	}

}
