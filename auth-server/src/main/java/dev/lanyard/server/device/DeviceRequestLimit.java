package dev.lanyard.server.device;

import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginThrottle;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Bounds the device authorization requests one address makes (the address budget of the
 * login throttle, counted apart from passwords): a device asks once per sign-in, and
 * anyone who knows a public client's id can ask, so an unbounded stream of requests would
 * only fill the store with codes (RFC 8628 §5.2).
 */
public final class DeviceRequestLimit {

	private DeviceRequestLimit() {
	}

	/** The framework's device authorization provider with the limit in front of it. */
	public static AuthenticationProvider around(AuthenticationProvider provider, LoginThrottle throttle) {
		if (!provider.supports(OAuth2DeviceAuthorizationRequestAuthenticationToken.class)) {
			return provider;
		}
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				String address = (authentication.getDetails() instanceof WebAuthenticationDetails details)
						? details.getRemoteAddress() : null;
				if (address != null
						&& !throttle.tryAcquire(LoginAttempt.forPurpose("device-authorization", null, address))) {
					throw new OAuth2AuthenticationException(new OAuth2Error("slow_down",
							"Too many device authorization requests from this address: try again later", null));
				}
				return provider.authenticate(authentication);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return provider.supports(authentication);
			}

		};
	}

}
