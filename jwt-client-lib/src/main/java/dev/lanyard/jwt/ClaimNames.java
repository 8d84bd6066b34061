package dev.lanyard.jwt;

/**
 * The names of the claims and header values of Lanyard's internal JWT, shared by the
 * authorization server (which writes them) and {@link JwtVerifier} (which reads them).
 *
 * <p>
 * The token follows the JWT profile for OAuth 2.0 access tokens (RFC 9068): header
 * {@code typ} is {@value #ACCESS_TOKEN_TYPE}, {@value #SCOPE} is a space-separated string
 * (RFC 9068 §2.2.3), {@value #ROLES} is a JSON array of strings, and every time is a
 * NumericDate in seconds (RFC 7519 §2).
 *
 * <p>
 * This class has no dependencies so that the server can import it without pulling in the
 * rest of the library.
 */
public final class ClaimNames {

	/** Issuer, the authorization server's issuer URL (RFC 7519 §4.1.1). */
	public static final String ISSUER = "iss";

	/** Subject, the stable user identifier (RFC 7519 §4.1.2). */
	public static final String SUBJECT = "sub";

	/** Audience; Lanyard issues exactly one (RFC 7519 §4.1.3). */
	public static final String AUDIENCE = "aud";

	/** Expiration time, NumericDate seconds (RFC 7519 §4.1.4). */
	public static final String EXPIRES_AT = "exp";

	/** Issued-at time, NumericDate seconds (RFC 7519 §4.1.6). */
	public static final String ISSUED_AT = "iat";

	/** Not-before time, NumericDate seconds (RFC 7519 §4.1.5). */
	public static final String NOT_BEFORE = "nbf";

	/** JWT identifier, unique per token (RFC 7519 §4.1.7). */
	public static final String JWT_ID = "jti";

	/**
	 * The OAuth client the user's session was granted to (RFC 8693 §4.3, RFC 9068 §2.2).
	 */
	public static final String CLIENT_ID = "client_id";

	/** Granted scopes as one space-separated string (RFC 9068 §2.2.3, RFC 8693 §4.2). */
	public static final String SCOPE = "scope";

	/**
	 * The authorization server's session identifier (OpenID Connect Front-Channel Logout
	 * §3).
	 */
	public static final String SESSION_ID = "sid";

	/** When the user last authenticated, NumericDate seconds (OpenID Connect Core §2). */
	public static final String AUTH_TIME = "auth_time";

	/**
	 * How the user authenticated, as a JSON array of RFC 8176 values ({@code pwd},
	 * {@code otp}, {@code hwk}, {@code mfa}; OpenID Connect Core §2) and {@code fed}
	 * (signed in at an upstream identity provider).
	 */
	public static final String AUTHENTICATION_METHODS = "amr";

	/**
	 * The authentication context class the sign-in satisfied (OpenID Connect Core §2),
	 * one of the authorization server's {@code acr_values_supported}.
	 */
	public static final String AUTHENTICATION_CONTEXT = "acr";

	/**
	 * The upstream identity provider the user signed in with, by its id at Lanyard;
	 * absent when the user signed in at Lanyard itself.
	 */
	public static final String IDENTITY_PROVIDER = "idp";

	/** The user's login name (OpenID Connect Core §5.1). */
	public static final String PREFERRED_USERNAME = "preferred_username";

	/**
	 * The user's roles as a JSON array of strings (RFC 9068 §2.2.3.1 lists
	 * {@code roles}).
	 */
	public static final String ROLES = "roles";

	/** The tenant the user belongs to, a configured user attribute. */
	public static final String TENANT = "tenant";

	/** The JOSE header {@code typ} value of an internal JWT (RFC 9068 §2.1). */
	public static final String ACCESS_TOKEN_TYPE = "at+jwt";

	private ClaimNames() {
	}

}
