package dev.lanyard.server.admin;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.audit.AuditEntry;
import dev.lanyard.admin.client.ClientDraft;
import dev.lanyard.admin.client.ClientView;
import dev.lanyard.admin.key.KeyView;
import dev.lanyard.admin.session.GrantView;
import dev.lanyard.admin.user.SecondFactorsView;
import dev.lanyard.admin.user.UserDraft;
import dev.lanyard.admin.user.UserView;
import dev.lanyard.server.user.StandardClaim;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The admin API's JSON shapes. Clients use the RFC 7591 metadata names
 * ({@code client_id}, {@code redirect_uris}, {@code scope} as a space-separated string,
 * times in seconds) plus Lanyard's own ({@code exchange_audiences}, lifetimes in
 * seconds); {@code client_secret} appears only in the answer that creates or regenerates
 * it. Users take {@code password} on the way in and never give it out.
 */
final class AdminApiJson {

	private AdminApiJson() {
	}

	/**
	 * Refuses a JSON {@code null} inside a list or as a map's value (the field itself may
	 * be absent or {@code null}): no rule of Lanyard's takes one, and the drafts' copies
	 * of the lists would fail on it with a server error.
	 */
	static void withoutNulls(String field, Collection<?> values) {
		if (values != null && values.stream().anyMatch(Objects::isNull)) {
			throw new InvalidInputException(field, "value.null");
		}
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ClientRequest(String clientId, String clientName, String logoUri, String clientSecret,
			String tokenEndpointAuthMethod, Map<String, Object> jwks, String jwksUri, List<String> redirectUris,
			List<String> postLogoutRedirectUris, List<String> grantTypes, String scope, Boolean requirePkce,
			Boolean requireConsent, Long accessTokenTtl, Long refreshTokenIdle, Long refreshTokenMax,
			List<String> exchangeAudiences, Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests,
			Boolean dpopBoundAccessTokens, Boolean requireMfa, String backchannelLogoutUri,
			Boolean backchannelLogoutSessionRequired, Boolean enabled) {

		ClientDraft toDraft(String pathClientId) {
			withoutNulls("redirect_uris", this.redirectUris);
			withoutNulls("post_logout_redirect_uris", this.postLogoutRedirectUris);
			withoutNulls("grant_types", this.grantTypes);
			withoutNulls("exchange_audiences", this.exchangeAudiences);
			return new ClientDraft((pathClientId != null) ? pathClientId : this.clientId, this.clientName, this.logoUri,
					"none".equals(this.tokenEndpointAuthMethod), this.clientSecret, this.tokenEndpointAuthMethod,
					(this.jwks != null) ? JSONObjectUtils.toJSONString(this.jwks) : null, this.jwksUri,
					this.redirectUris, this.postLogoutRedirectUris,
					(this.grantTypes != null) ? new LinkedHashSet<>(this.grantTypes) : null,
					(this.scope != null) ? new LinkedHashSet<>(Arrays.asList(this.scope.trim().split("\\s+"))) : null,
					this.requirePkce, this.requireConsent, seconds(this.accessTokenTtl), seconds(this.refreshTokenIdle),
					seconds(this.refreshTokenMax), this.exchangeAudiences, this.introspectionAllowed,
					this.requirePushedAuthorizationRequests, this.dpopBoundAccessTokens, this.requireMfa,
					this.backchannelLogoutUri, this.backchannelLogoutSessionRequired, this.enabled);
		}

		@Override
		public String toString() {
			return "ClientRequest[" + this.clientId + "]";
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ClientResponse(String clientId, String clientName, String logoUri, String clientSecret,
			long clientIdIssuedAt, String tokenEndpointAuthMethod, Map<String, Object> jwks, String jwksUri,
			List<String> redirectUris, List<String> postLogoutRedirectUris, List<String> grantTypes, String scope,
			boolean requirePkce, boolean requireConsent, long accessTokenTtl, long refreshTokenIdle,
			long refreshTokenMax, List<String> exchangeAudiences, boolean introspectionAllowed,
			boolean requirePushedAuthorizationRequests, boolean dpopBoundAccessTokens, boolean requireMfa,
			String backchannelLogoutUri, boolean backchannelLogoutSessionRequired, boolean enabled, Instant updatedAt) {

		static ClientResponse of(ClientView client, String secret) {
			return new ClientResponse(client.clientId(), client.clientName(), client.logoUri(), secret,
					client.clientIdIssuedAt().getEpochSecond(), client.tokenEndpointAuthMethod(), jwks(client.jwks()),
					client.jwksUri(), client.redirectUris(), client.postLogoutRedirectUris(), client.grantTypes(),
					String.join(" ", client.scopes()), client.requirePkce(), client.requireConsent(),
					client.accessTokenTtl().toSeconds(), client.refreshTokenIdle().toSeconds(),
					client.refreshTokenMax().toSeconds(), client.exchangeAudiences(), client.introspectionAllowed(),
					client.requirePushedAuthorizationRequests(), client.dpopBoundAccessTokens(), client.requireMfa(),
					client.backchannelLogoutUri(), client.backchannelLogoutSessionRequired(), client.enabled(),
					client.updatedAt());
		}

		private static Map<String, Object> jwks(String document) {
			if (document == null) {
				return null;
			}
			try {
				return JSONObjectUtils.parse(document);
			}
			catch (ParseException ex) {
				throw new IllegalStateException("A stored JWK Set cannot be read", ex);
			}
		}

		@Override
		public String toString() {
			return "ClientResponse[" + this.clientId + "]";
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record UserRequest(String username, String email, String password, Boolean enabled, Boolean locked,
			List<String> roles, Map<String, String> attributes, Map<String, Object> claims, String totpSecret) {

		/**
		 * @param current the user as they are, or {@code null} when creating: left out,
		 * {@code enabled} and {@code locked} keep their state (a PUT must not bring back
		 * an account disabled or locked on purpose), else a new account is enabled and
		 * unlocked
		 */
		UserDraft toDraft(UserView current) {
			withoutNulls("roles", this.roles);
			withoutNulls("attributes", (this.attributes != null) ? this.attributes.values() : null);
			boolean enabledIfUnsaid = (current == null) || current.enabled();
			boolean lockedIfUnsaid = (current != null) && current.locked();
			// Made from the account as read here: a change between this read and the
			// write is not undone by the states kept above (409, field version).
			return new UserDraft(this.username, this.email, (this.enabled != null) ? this.enabled : enabledIfUnsaid,
					(this.locked != null) ? this.locked : lockedIfUnsaid, this.roles, this.attributes,
					(this.claims != null) ? StandardClaim.fromJson(this.claims) : null,
					(current != null) ? current.updatedAt() : null);
		}

		@Override
		public String toString() {
			return "UserRequest[" + this.username + "]";
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SecondFactorsResponse(boolean mfaRequired, boolean authenticatorApp, int recoveryCodesLeft,
			List<PasskeyResponse> passkeys, boolean blocked) {

		static SecondFactorsResponse of(SecondFactorsView factors) {
			return new SecondFactorsResponse(factors.required(), factors.authenticatorApp(),
					factors.recoveryCodesLeft(),
					factors.passkeys()
						.stream()
						.map((passkey) -> new PasskeyResponse(passkey.label(), passkey.created(), passkey.lastUsed()))
						.toList(),
					factors.blocked());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record PasskeyResponse(String label, Instant createdAt, Instant lastUsedAt) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record UserResponse(String id, String username, String email, boolean enabled, boolean locked, List<String> roles,
			Map<String, String> attributes, Map<String, Object> claims, Instant createdAt, Instant updatedAt) {

		static UserResponse of(UserView user) {
			return new UserResponse(user.id(), user.username(), user.email(), user.enabled(), user.locked(),
					user.roles(), user.attributes(), StandardClaim.toJson(user.claims()), user.createdAt(),
					user.updatedAt());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record PasswordRequest(String password, Boolean signOutEverywhere) {

		@Override
		public String toString() {
			return "PasswordRequest[***]";
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SessionResponse(String id, String clientId, String subject, String username, String grantType, String scope,
			Instant issuedAt, Instant lastRefreshedAt, Instant expiresAt) {

		static SessionResponse of(GrantView grant) {
			return new SessionResponse(grant.id(), grant.clientId(), grant.subject(), grant.username(),
					grant.grantType(), String.join(" ", grant.scopes()), grant.issuedAt(), grant.lastRefreshedAt(),
					grant.expiresAt());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record KeyResponse(String kid, String alg, String state, Instant createdAt, Instant activatedAt, Instant retiredAt,
			Instant activateAfter) {

		static KeyResponse of(KeyView key) {
			return new KeyResponse(key.kid(), key.algorithm(), key.state(), key.createdAt(), key.activatedAt(),
					key.retiredAt(), key.activateAfter());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record AuditResponse(long id, Instant occurredAt, String actor, String action, String target, String clientIp,
			Map<String, Object> details) {

		static AuditResponse of(AuditEntry entry) {
			return new AuditResponse(entry.id(), entry.occurredAt(), entry.actor(), entry.action(), entry.target(),
					entry.clientAddress(), entry.details());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record PageResponse<T>(List<T> items, int page, int size, long total) {
	}

	private static Duration seconds(Long value) {
		return (value != null) ? Duration.ofSeconds(value) : null;
	}

}
