package dev.lanyard.server.authorization;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/** The kinds of value an authorization can be found by, with their hash columns. */
enum TokenKind {

	ACCESS_TOKEN("access_token_hash"), REFRESH_TOKEN("refresh_token_hash"), CODE("code_hash"),
	ID_TOKEN("id_token_hash"), STATE("state_hash"), DEVICE_CODE("device_code_hash"), USER_CODE("user_code_hash");

	private final String hashColumn;

	TokenKind(String hashColumn) {
		this.hashColumn = hashColumn;
	}

	String hashColumn() {
		return this.hashColumn;
	}

	/** The kind for a framework token type; {@code null} for an unknown type. */
	static TokenKind of(OAuth2TokenType type) {
		return switch (type.getValue()) {
			case OAuth2ParameterNames.ACCESS_TOKEN -> ACCESS_TOKEN;
			case OAuth2ParameterNames.REFRESH_TOKEN -> REFRESH_TOKEN;
			case OAuth2ParameterNames.CODE -> CODE;
			case OidcParameterNames.ID_TOKEN -> ID_TOKEN;
			case OAuth2ParameterNames.STATE -> STATE;
			case OAuth2ParameterNames.DEVICE_CODE -> DEVICE_CODE;
			case OAuth2ParameterNames.USER_CODE -> USER_CODE;
			default -> null;
		};
	}

}
