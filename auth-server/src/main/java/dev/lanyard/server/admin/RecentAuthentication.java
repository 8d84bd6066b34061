package dev.lanyard.server.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.protocol.LocalOpaqueTokenIntrospector;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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

	private final AdminIdentity identity;

	private final AuditLog audit;

	RecentAuthentication(LanyardProperties properties, Clock clock, AdminIdentity identity, AuditLog audit) {
		this.maxAge = properties.admin().reauthenticationMaxAge();
		this.clock = clock;
		this.identity = identity;
		this.audit = audit;
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
			// Audited like a wrong password in the console: a stolen token trying a
			// change it may not make is worth an investigator's eye (once a minute for
			// the caller and network: each refusal would add a row).
			Actor actor = this.identity.current();
			this.audit.recordRepeatable(actor.id(), "admin.reauthentication_required", "actor:" + actor.id(),
					actor.address(), Map.of("request", request()));
			throw new ReauthenticationRequiredException(this.maxAge);
		}
	}

	/** The method and path of the refused call (no query: it may carry values). */
	private static String request() {
		return (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)
				? attributes.getRequest().getMethod() + " " + attributes.getRequest().getRequestURI() : "";
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
