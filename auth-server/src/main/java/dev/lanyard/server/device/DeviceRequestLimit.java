package dev.lanyard.server.device;

import java.time.Duration;

import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginThrottle;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ErrorAuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Bounds the device authorization requests one address makes (the address budget of the
 * login throttle, counted apart from passwords), and those made for one client at this
 * node (many addresses at once: a client's fleet, or a botnet): a device asks once per
 * sign-in, and anyone who knows a public client's id can ask, so an unbounded stream of
 * requests would only fill the store with codes, each kept an hour past its expiry (RFC
 * 8628 §5.2). The per-client bound is Resilience4j's rate limiter, one per client,
 * counted by each node (N nodes allow N times it).
 */
public final class DeviceRequestLimit {

	private DeviceRequestLimit() {
	}

	/**
	 * The framework's device authorization provider with the limits in front of it.
	 * @param perClient requests a client may make at this node in a window
	 * @param window the window
	 */
	public static AuthenticationProvider around(AuthenticationProvider provider, LoginThrottle throttle, int perClient,
			Duration window) {
		if (!provider.supports(OAuth2DeviceAuthorizationRequestAuthenticationToken.class)) {
			return provider;
		}
		RateLimiterRegistry clients = RateLimiterRegistry.of(RateLimiterConfig.custom()
			.limitForPeriod(perClient)
			.limitRefreshPeriod(window)
			.timeoutDuration(Duration.ZERO)
			.build());
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				String address = (authentication.getDetails() instanceof WebAuthenticationDetails details)
						? details.getRemoteAddress() : null;
				if (address != null
						&& !throttle.tryAcquire(LoginAttempt.forPurpose("device-authorization", null, address))) {
					throw new TooManyRequests();
				}
				// The client authenticated before this (its id is a registered client's).
				if (authentication.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
						&& client.getRegisteredClient() != null
						&& !clients.rateLimiter(client.getRegisteredClient().getId()).acquirePermission()) {
					throw new TooManyRequests();
				}
				return provider.authenticate(authentication);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return provider.supports(authentication);
			}

		};
	}

	/**
	 * The device authorization endpoint's errors: the framework's (400 with the OAuth
	 * error, RFC 8628 §3.2 and RFC 6749 §5.2), but a refused request for too many from
	 * one address or for one client is 429 with {@code Retry-After} (RFC 6585 §4), which
	 * clients know to wait on. ({@code slow_down} belongs to the token endpoint, RFC 8628
	 * §3.5: a device would take it here for an unknown, fatal error.)
	 */
	public static AuthenticationFailureHandler errorResponses() {
		AuthenticationFailureHandler framework = new OAuth2ErrorAuthenticationFailureHandler();
		return (request, response, exception) -> {
			if (!(exception instanceof TooManyRequests)) {
				framework.onAuthenticationFailure(request, response, exception);
				return;
			}
			response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
			response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
			response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.getWriter()
				.write("{\"error\":\"" + OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE
						+ "\",\"error_description\":\"Too many device authorization requests: try again later\"}");
		};
	}

	/** How long a refused address is told to wait before asking again. */
	static final int RETRY_AFTER_SECONDS = 60;

	/** Too many device authorization requests from one address, or for one client. */
	private static final class TooManyRequests extends OAuth2AuthenticationException {

		TooManyRequests() {
			super(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
					"Too many device authorization requests: try again later", null));
		}

	}

}
