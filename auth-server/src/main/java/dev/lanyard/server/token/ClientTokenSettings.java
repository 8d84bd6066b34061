package dev.lanyard.server.token;

import java.time.Duration;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The framework's {@link TokenSettings} as Lanyard uses them for every client: opaque
 * access tokens (the framework's default would be JWTs), refresh tokens rotated on every
 * use (the framework's default would reuse them), RS256 ID tokens.
 */
public final class ClientTokenSettings {

	private static final String REFRESH_TOKEN_MAX_LIFETIME = "lanyard.refresh-token-max-lifetime";

	private ClientTokenSettings() {
	}

	/**
	 * Token settings for a client.
	 * @param accessToken access token lifetime
	 * @param refreshTokenIdle refresh token lifetime from its issue (it rotates on use)
	 * @param refreshTokenMax the longest any refresh token of one grant may live
	 * @param authorizationCode authorization code lifetime
	 * @return the settings
	 */
	public static TokenSettings of(Duration accessToken, Duration refreshTokenIdle, Duration refreshTokenMax,
			Duration authorizationCode) {
		return TokenSettings.builder()
			.accessTokenFormat(OAuth2TokenFormat.REFERENCE)
			.accessTokenTimeToLive(accessToken)
			.refreshTokenTimeToLive(refreshTokenIdle)
			.reuseRefreshTokens(false)
			.authorizationCodeTimeToLive(authorizationCode)
			.idTokenSignatureAlgorithm(SignatureAlgorithm.RS256)
			.setting(REFRESH_TOKEN_MAX_LIFETIME, refreshTokenMax)
			.build();
	}

	/** The absolute refresh-token lifetime of a grant. */
	public static Duration refreshTokenMaxLifetime(TokenSettings settings) {
		Duration max = settings.getSetting(REFRESH_TOKEN_MAX_LIFETIME);
		return (max != null) ? max : settings.getRefreshTokenTimeToLive();
	}

}
