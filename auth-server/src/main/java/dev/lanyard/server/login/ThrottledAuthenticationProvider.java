package dev.lanyard.server.login;

import java.util.Optional;

import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.LoginName;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * Checks passwords only while the client address and the account (for this device) have
 * attempts left ({@link LoginThrottle}). The limit applies alike to accounts that exist
 * and accounts that do not, so it tells an attacker nothing about which exist. A name
 * longer than any account's ({@link LoginName#MAXIMUM_LENGTH}) costs its address a slot
 * and fails at once: it is never looked up, kept or used as a key. A right password of a
 * person with a second factor does not sign in: it ends in
 * {@link SecondFactorRequiredException}, for the second-factor page.
 */
final class ThrottledAuthenticationProvider implements AuthenticationProvider {

	private final AuthenticationProvider passwords;

	private final LoginThrottle throttle;

	private final SecondFactors secondFactors;

	ThrottledAuthenticationProvider(AuthenticationProvider passwords, LoginThrottle throttle,
			SecondFactors secondFactors) {
		this.passwords = passwords;
		this.throttle = throttle;
		this.secondFactors = secondFactors;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		Optional<String> loginName = LoginName.ofTyped(authentication.getName());
		LoginDetails details = (authentication.getDetails() instanceof LoginDetails login) ? login : null;
		LoginAttempt attempt = LoginAttempt.of(loginName.orElse(null),
				(details != null) ? details.trustedDevice() : null, (details != null) ? details.remoteAddress() : null);
		if (!this.throttle.tryAcquire(attempt)) {
			throw new LoginThrottledException();
		}
		if (loginName.isEmpty()) {
			throw new BadCredentialsException("Bad credentials");
		}
		Authentication result = this.throttle.checking(attempt, () -> this.passwords.authenticate(authentication));
		this.throttle.release(attempt);
		if (result != null && result.getPrincipal() instanceof LanyardUser user
				&& this.secondFactors.enrolled(user.id())) {
			throw new SecondFactorRequiredException(result);
		}
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
