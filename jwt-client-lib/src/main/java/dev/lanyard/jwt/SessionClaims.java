package dev.lanyard.jwt;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * The verified session claims of one internal JWT, as typed values.
 *
 * <p>
 * Instances are created only by {@link JwtVerifier} after the signature and every rule
 * have been checked, so holding one means the session is authentic. Required claims
 * ({@code iss, sub, aud, exp, iat, jti}) have plain accessors that never return
 * {@code null}; optional ones return {@link Optional} or an empty set. Any other claim is
 * available through {@link #claim(String, Class)}.
 *
 * <p>
 * Immutable and thread-safe. {@link #toString()} prints the session, never the token
 * (which this class does not hold).
 */
public final class SessionClaims {

	// RFC 7519 §2 NumericDate; the upper bound (9999-12-31T23:59:59Z) keeps Instant
	// arithmetic safe.
	private static final long MAX_NUMERIC_DATE = 253_402_300_799L;

	private final Map<String, Object> claims;

	private final String issuer;

	private final String subject;

	private final String audience;

	private final String tokenId;

	private final Instant issuedAt;

	private final Instant expiresAt;

	private final Instant notBefore;

	private final Instant authTime;

	private final String clientId;

	private final String username;

	private final String sessionId;

	private final String tenant;

	private final Set<String> scopes;

	private final Set<String> roles;

	private final Set<String> authenticationMethods;

	private final String authenticationContext;

	private final String identityProvider;

	private SessionClaims(Map<String, Object> claims) throws JwtVerificationException {
		this.claims = claims;
		this.issuer = requiredString(ClaimNames.ISSUER);
		this.subject = requiredString(ClaimNames.SUBJECT);
		this.audience = singleAudience();
		this.tokenId = requiredString(ClaimNames.JWT_ID);
		this.expiresAt = requiredNumericDate(ClaimNames.EXPIRES_AT);
		this.issuedAt = requiredNumericDate(ClaimNames.ISSUED_AT);
		this.notBefore = optionalNumericDate(ClaimNames.NOT_BEFORE);
		this.authTime = optionalNumericDate(ClaimNames.AUTH_TIME);
		this.clientId = optionalString(ClaimNames.CLIENT_ID);
		this.username = optionalString(ClaimNames.PREFERRED_USERNAME);
		this.sessionId = optionalString(ClaimNames.SESSION_ID);
		this.tenant = optionalString(ClaimNames.TENANT);
		this.scopes = scopeSet();
		this.roles = stringSet(ClaimNames.ROLES);
		this.authenticationMethods = stringSet(ClaimNames.AUTHENTICATION_METHODS);
		this.authenticationContext = optionalString(ClaimNames.AUTHENTICATION_CONTEXT);
		this.identityProvider = optionalString(ClaimNames.IDENTITY_PROVIDER);
	}

	/**
	 * Converts the parsed JWT claims set into typed claims, checking presence and JSON
	 * types but not values (issuer, audience and times are the verifier's business).
	 * @param json the claims as {@link JoseJson} returns them: deeply unmodifiable, so
	 * they are kept without a copy
	 * @throws JwtVerificationException {@code missing_claim} or {@code invalid_claim}
	 */
	static SessionClaims fromVerifiedJson(Map<String, Object> json) throws JwtVerificationException {
		if (json.containsValue(null)) {
			// JSON null means absent (RFC 7519 leaves it open; absent is the safe
			// reading).
			Map<String, Object> present = new LinkedHashMap<>(json);
			present.values().removeIf(Objects::isNull);
			json = Collections.unmodifiableMap(present);
		}
		return new SessionClaims(json);
	}

	/** The issuer ({@code iss}), equal to the configured issuer; never {@code null}. */
	public String issuer() {
		return this.issuer;
	}

	/**
	 * The subject ({@code sub}), the stable user identifier; never {@code null} or empty.
	 */
	public String subject() {
		return this.subject;
	}

	/**
	 * The audience ({@code aud}), equal to the configured audience; never {@code null}.
	 */
	public String audience() {
		return this.audience;
	}

	/** The token identifier ({@code jti}); never {@code null}. */
	public String tokenId() {
		return this.tokenId;
	}

	/** When the token was issued ({@code iat}); never {@code null}. */
	public Instant issuedAt() {
		return this.issuedAt;
	}

	/** When the token expires ({@code exp}); never {@code null}. */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	/** The start of validity ({@code nbf}), if present. */
	public Optional<Instant> notBefore() {
		return Optional.ofNullable(this.notBefore);
	}

	/** When the user last authenticated ({@code auth_time}), if present. */
	public Optional<Instant> authTime() {
		return Optional.ofNullable(this.authTime);
	}

	/** The OAuth client the session belongs to ({@code client_id}), if present. */
	public Optional<String> clientId() {
		return Optional.ofNullable(this.clientId);
	}

	/** The user's login name ({@code preferred_username}), if present. */
	public Optional<String> username() {
		return Optional.ofNullable(this.username);
	}

	/** The authorization server's session identifier ({@code sid}), if present. */
	public Optional<String> sessionId() {
		return Optional.ofNullable(this.sessionId);
	}

	/** The user's tenant ({@code tenant}), if present. */
	public Optional<String> tenant() {
		return Optional.ofNullable(this.tenant);
	}

	/**
	 * The granted scopes, split from the space-separated {@code scope} claim (RFC 9068
	 * §2.2.3).
	 * @return an unmodifiable set in token order, empty when the claim is absent
	 */
	public Set<String> scopes() {
		return this.scopes;
	}

	/**
	 * The user's roles ({@code roles}).
	 * @return an unmodifiable set in token order, empty when the claim is absent
	 */
	public Set<String> roles() {
		return this.roles;
	}

	/**
	 * How the user authenticated ({@code amr}, RFC 8176 values such as {@code pwd},
	 * {@code otp}, {@code hwk}, {@code mfa}).
	 * @return an unmodifiable set in token order, empty when the claim is absent (a
	 * client's own token)
	 */
	public Set<String> amr() {
		return this.authenticationMethods;
	}

	/**
	 * Tells whether the user authenticated with a method.
	 * @param method an RFC 8176 value, e.g. {@code hwk}, not {@code null}
	 * @return whether {@link #amr()} contains it
	 */
	public boolean hasAuthenticationMethod(String method) {
		return this.authenticationMethods.contains(Objects.requireNonNull(method, "method"));
	}

	/**
	 * The authentication context class the sign-in satisfied ({@code acr}), if present.
	 */
	public Optional<String> acr() {
		return Optional.ofNullable(this.authenticationContext);
	}

	/**
	 * The upstream identity provider the user signed in with ({@code idp}), if they did
	 * not sign in at Lanyard itself.
	 */
	public Optional<String> identityProvider() {
		return Optional.ofNullable(this.identityProvider);
	}

	/**
	 * Tells whether a scope was granted.
	 * @param scope the scope, not {@code null}
	 * @return whether {@link #scopes()} contains it
	 */
	public boolean hasScope(String scope) {
		return this.scopes.contains(Objects.requireNonNull(scope, "scope"));
	}

	/**
	 * Tells whether the user has a role.
	 * @param role the role, not {@code null}
	 * @return whether {@link #roles()} contains it
	 */
	public boolean hasRole(String role) {
		return this.roles.contains(Objects.requireNonNull(role, "role"));
	}

	/**
	 * The names of all claims present (JSON {@code null} values count as absent).
	 * @return an unmodifiable set in token order
	 */
	public Set<String> claimNames() {
		return this.claims.keySet();
	}

	/**
	 * Reads any claim as the given type.
	 *
	 * <p>
	 * JSON values map to {@link String}, {@link Boolean}, {@link Long} (integers),
	 * {@link Double} (fractions), {@link List} and {@link Map} (both unmodifiable).
	 * Numbers also convert to {@link Integer} (when in range), {@link Double} and
	 * {@link Instant} (NumericDate seconds); {@link Object} returns the value as is.
	 * @param name the claim name, not {@code null}
	 * @param type the wanted type, not {@code null}
	 * @param <T> the wanted type
	 * @return the value, or empty when the claim is absent or JSON {@code null}
	 * @throws IllegalArgumentException when the claim is present but not convertible to
	 * {@code type}; the message names the claim and its JSON type, never its value
	 */
	public <T> Optional<T> claim(String name, Class<T> type) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(type, "type");
		Object value = this.claims.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (type.isInstance(value)) {
			return Optional.of(type.cast(value));
		}
		if (value instanceof Number number) {
			if (type == Integer.class && value instanceof Long l && l == l.intValue()) {
				return Optional.of(type.cast(l.intValue()));
			}
			if (type == Double.class) {
				return Optional.of(type.cast(number.doubleValue()));
			}
			if (type == Instant.class) {
				Instant instant = toInstant(number);
				if (instant != null) {
					return Optional.of(type.cast(instant));
				}
			}
		}
		throw new IllegalArgumentException("Claim \"" + name + "\" is a JSON " + jsonType(value)
				+ " and cannot be read as " + type.getSimpleName());
	}

	/**
	 * Reads a claim that holds a JSON array of strings.
	 * @param name the claim name, not {@code null}
	 * @return the unmodifiable list, or empty when the claim is absent
	 * @throws IllegalArgumentException when the claim is not an array of strings
	 */
	public Optional<List<String>> stringListClaim(String name) {
		Object value = this.claims.get(Objects.requireNonNull(name, "name"));
		if (value == null) {
			return Optional.empty();
		}
		if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
			@SuppressWarnings("unchecked") // checked element by element above; already
											// unmodifiable
			List<String> strings = (List<String>) list;
			return Optional.of(strings);
		}
		throw new IllegalArgumentException(
				"Claim \"" + name + "\" is a JSON " + jsonType(value) + " and cannot be read as an array of strings");
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SessionClaims that && this.claims.equals(that.claims);
	}

	@Override
	public int hashCode() {
		return this.claims.hashCode();
	}

	/** A one-line summary of the session for logs; contains no token. */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("SessionClaims[sub=").append(this.subject);
		append(text, "username", this.username);
		append(text, "client_id", this.clientId);
		text.append(", scopes=").append(this.scopes);
		text.append(", roles=").append(this.roles);
		append(text, "sid", this.sessionId);
		append(text, "tenant", this.tenant);
		text.append(", aud=").append(this.audience);
		text.append(", exp=").append(this.expiresAt);
		return text.append(']').toString();
	}

	private static void append(StringBuilder text, String name, String value) {
		if (value != null) {
			text.append(", ").append(name).append('=').append(value);
		}
	}

	private String requiredString(String name) throws JwtVerificationException {
		String value = optionalString(name);
		if (value == null) {
			throw missing(name);
		}
		if (value.isEmpty()) {
			throw invalid(name, "must not be empty");
		}
		return value;
	}

	private String optionalString(String name) throws JwtVerificationException {
		Object value = this.claims.get(name);
		if (value == null || value instanceof String) {
			return (String) value;
		}
		throw invalid(name, "must be a string");
	}

	// RFC 7519 §4.1.3: a single string or an array; Lanyard tokens carry exactly one
	// audience.
	private String singleAudience() throws JwtVerificationException {
		Object value = this.claims.get(ClaimNames.AUDIENCE);
		if (value == null) {
			throw missing(ClaimNames.AUDIENCE);
		}
		if (value instanceof String s) {
			return s;
		}
		if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
			if (list.size() != 1) {
				throw new JwtVerificationException(Reason.WRONG_AUDIENCE,
						"Token carries " + list.size() + " audiences; exactly one is accepted");
			}
			return (String) list.get(0);
		}
		throw invalid(ClaimNames.AUDIENCE, "must be a string or an array of one string");
	}

	private Instant requiredNumericDate(String name) throws JwtVerificationException {
		Instant value = optionalNumericDate(name);
		if (value == null) {
			throw missing(name);
		}
		return value;
	}

	private Instant optionalNumericDate(String name) throws JwtVerificationException {
		Object value = this.claims.get(name);
		if (value == null) {
			return null;
		}
		Instant instant = value instanceof Number number ? toInstant(number) : null;
		if (instant == null) {
			throw invalid(name, "must be a NumericDate (seconds since the epoch)");
		}
		return instant;
	}

	private Set<String> scopeSet() throws JwtVerificationException {
		String scope = optionalString(ClaimNames.SCOPE);
		if (scope == null || scope.isEmpty()) {
			return Set.of();
		}
		Set<String> set = new LinkedHashSet<>();
		int start = 0;
		while (start < scope.length()) {
			int end = scope.indexOf(' ', start);
			if (end < 0) {
				end = scope.length();
			}
			if (end > start) {
				set.add(scope.substring(start, end));
			}
			start = end + 1;
		}
		return Collections.unmodifiableSet(set);
	}

	private Set<String> stringSet(String name) throws JwtVerificationException {
		Object value = this.claims.get(name);
		if (value == null) {
			return Set.of();
		}
		if (!(value instanceof List<?> list)) {
			throw invalid(name, "must be an array of strings");
		}
		Set<String> set = new LinkedHashSet<>();
		for (Object element : list) {
			if (!(element instanceof String s)) {
				throw invalid(name, "must be an array of strings");
			}
			set.add(s);
		}
		return Collections.unmodifiableSet(set);
	}

	private static Instant toInstant(Number number) {
		if (number instanceof Long l) {
			return l >= 0 && l <= MAX_NUMERIC_DATE ? Instant.ofEpochSecond(l) : null;
		}
		double d = number.doubleValue();
		if (!(d >= 0 && d <= MAX_NUMERIC_DATE)) { // also rejects NaN
			return null;
		}
		return Instant.ofEpochSecond((long) Math.floor(d));
	}

	private static String jsonType(Object value) {
		if (value instanceof String) {
			return "string";
		}
		if (value instanceof Number) {
			return "number";
		}
		if (value instanceof Boolean) {
			return "boolean";
		}
		if (value instanceof List) {
			return "array";
		}
		return "object";
	}

	private static JwtVerificationException missing(String name) {
		return new JwtVerificationException(Reason.MISSING_CLAIM, "Required claim \"" + name + "\" is missing");
	}

	private static JwtVerificationException invalid(String name, String rule) {
		return new JwtVerificationException(Reason.INVALID_CLAIM, "Claim \"" + name + "\" " + rule);
	}

}
