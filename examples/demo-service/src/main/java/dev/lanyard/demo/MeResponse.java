package dev.lanyard.demo;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.lanyard.jwt.SessionClaims;

/**
 * The JSON answer of {@code GET /me}: the session claims under their JWT names, times as
 * NumericDate seconds. Absent optional claims are {@code null}.
 */
record MeResponse(String sub, String username, @JsonProperty("client_id") String clientId, Set<String> scopes,
		Set<String> roles, String sid, String tenant, @JsonProperty("auth_time") Long authTime, Long exp) {

	static MeResponse of(SessionClaims session) {
		return new MeResponse(session.subject(), session.username().orElse(null), session.clientId().orElse(null),
				session.scopes(), session.roles(), session.sessionId().orElse(null), session.tenant().orElse(null),
				session.authTime().map(time -> time.getEpochSecond()).orElse(null),
				session.expiresAt().getEpochSecond());
	}
}
