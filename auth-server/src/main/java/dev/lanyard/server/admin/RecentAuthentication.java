package dev.lanyard.server.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.protocol.LocalOpaqueTokenIntrospector;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;

/**
 * The admin API's form of the console's password confirmation (OWASP ASVS 5.0 §7.5.1): a
 * security-relevant change needs a credential proven recently. For a user's token that is
 * the user's sign-in ({@code auth_time}); for a client's token, its issuance with the
 * client's secret ({@code iat}). Too old, the call is refused with RFC 9470's
 * {@code insufficient_user_authentication} and the {@code max_age} to satisfy.
 */
@Component
class RecentAuthentication {

	private final Duration maxAge;

	private final Clock clock;

	RecentAuthentication(LanyardProperties properties, Clock clock) {
		this.maxAge = properties.admin().reauthenticationMaxAge();
		this.clock = clock;
	}

	/**
	 * @throws ReauthenticationRequiredException if the caller's credential is older than
	 * the limit
	 */
	void require() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		Instant provenAt = null;
		if (authentication instanceof BearerTokenAuthentication bearer) {
			Object authTime = bearer.getTokenAttributes().get(LocalOpaqueTokenIntrospector.AUTH_TIME);
			Object issuedAt = bearer.getTokenAttributes().get(OAuth2TokenIntrospectionClaimNames.IAT);
			provenAt = (authTime instanceof Instant instant) ? instant
					: (issuedAt instanceof Instant instant) ? instant : null;
		}
		if (provenAt == null || provenAt.plus(this.maxAge).isBefore(this.clock.instant())) {
			throw new ReauthenticationRequiredException(this.maxAge);
		}
	}

	/** A change needs a credential proven within {@link #maxAge()}. */
	static final class ReauthenticationRequiredException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final Duration maxAge;

		ReauthenticationRequiredException(Duration maxAge) {
			super("A recent authentication is required", null, false, false);
			this.maxAge = maxAge;
		}

		Duration maxAge() {
			return this.maxAge;
		}

	}

}
