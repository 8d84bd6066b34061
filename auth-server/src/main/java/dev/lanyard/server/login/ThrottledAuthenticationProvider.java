package dev.lanyard.server.login;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * Checks passwords only while the account and the client address have attempts left
 * ({@link LoginThrottle}). The limit applies alike to accounts that exist and accounts that
 * do not, so it tells an attacker nothing about which exist.
 */
final class ThrottledAuthenticationProvider implements AuthenticationProvider {

	private final AuthenticationProvider passwords;

	private final LoginThrottle throttle;

	ThrottledAuthenticationProvider(AuthenticationProvider passwords, LoginThrottle throttle) {
		this.passwords = passwords;
		this.throttle = throttle;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String account = LoginThrottle.accountKey(authentication.getName());
		String address = (authentication.getDetails() instanceof LoginDetails details) ? details.remoteAddress() : null;
		if (!this.throttle.tryAcquire(account, address)) {
			throw new LoginThrottledException();
		}
		Authentication result = this.passwords.authenticate(authentication);
		this.throttle.release(account, address);
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
