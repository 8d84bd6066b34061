package dev.lanyard.jwt;

import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * nimbus's {@link DefaultJWTProcessor} set up for Lanyard's internal JWT: {@code typ}
 * through a {@code DefaultJOSEObjectTypeVerifier}, the key through
 * {@link JwksKeySelector}, the signature through nimbus's default verifiers, the claims
 * through {@link DefaultJWTClaimsVerifier}s. It differs from the default in one step: the
 * payload is read only once the signature has verified, so that unauthenticated content
 * never reaches the JSON parser or the claim rules, and a forged token is always reported
 * as such. The verified {@link SessionClaims} are left in the context.
 *
 * <p>
 * Each failure of a Lanyard rule is a nimbus exception whose cause is the
 * {@link JwtVerificationException} to report. Thread-safe once configured.
 */
final class InternalJwtProcessor extends DefaultJWTProcessor<VerificationContext> {

	// Stands for the claims until the signature has verified; no rule ever sees it.
	private static final JWTClaimsSet UNREAD = new JWTClaimsSet.Builder().build();

	InternalJwtProcessor(JOSEObjectTypeVerifier<VerificationContext> typeVerifier, JwksKeySelector keySelector,
			ClaimRules claimRules) {
		setJWSTypeVerifier(typeVerifier);
		setJWSKeySelector(keySelector);
		setJWTClaimsSetVerifier(claimRules);
	}

	/** Creates the exception that carries a Lanyard rejection through the processor. */
	static BadJWTException rejected(Reason reason, String message) {
		return new BadJWTException(message, new JwtVerificationException(reason, message));
	}

	@Override
	protected JWTClaimsSet extractJWTClaimsSet(JWT jwt) {
		return UNREAD;
	}

	/**
	 * Reads the payload of a token whose signature verified as {@link SessionClaims}
	 * (claim presence and types), then applies the claim rules to its registered claims.
	 */
	@Override
	protected JWTClaimsSet verifyJWTClaimsSet(JWTClaimsSet unread, VerificationContext context) throws BadJWTException {
		SessionClaims claims;
		try {
			claims = SessionClaims.fromVerifiedJson(JoseJson.parseObject(context.payload()));
		}
		catch (ParseException e) {
			throw rejected(Reason.MALFORMED, "JOSE payload is not a valid JSON object (" + e.getMessage() + ")");
		}
		catch (JwtVerificationException e) {
			throw new BadJWTException(e.getMessage(), e);
		}
		// The claims the rules read, from the typed values: the payload is parsed once.
		JWTClaimsSet.Builder registered = new JWTClaimsSet.Builder().issuer(claims.issuer())
			.subject(claims.subject())
			.audience(claims.audience())
			.expirationTime(Date.from(claims.expiresAt()))
			.issueTime(Date.from(claims.issuedAt()))
			.jwtID(claims.tokenId());
		claims.notBefore().ifPresent((notBefore) -> registered.notBeforeTime(Date.from(notBefore)));
		JWTClaimsSet claimsSet = registered.build();
		super.verifyJWTClaimsSet(claimsSet, context);
		context.claimsVerified(claims);
		return claimsSet;
	}

	/**
	 * The claim rules: one nimbus {@link DefaultJWTClaimsVerifier} with all of them for
	 * the common case of a good token and, to tell which rule a bad token broke, one per
	 * rule, tried in a fixed order; then the two rules nimbus has no verifier for.
	 * Presence and JSON types are checked before, by {@link SessionClaims}.
	 */
	static final class ClaimRules implements JWTClaimsSetVerifier<VerificationContext> {

		private static final Set<String> REQUIRED = Set.of(ClaimNames.ISSUER, ClaimNames.SUBJECT, ClaimNames.AUDIENCE,
				ClaimNames.EXPIRES_AT, ClaimNames.ISSUED_AT, ClaimNames.JWT_ID);

		private final Rule allRules;

		private final Rule issuerRule;

		private final Rule audienceRule;

		private final Rule requiredRule;

		private final Rule timeRule;

		private final String issuer;

		private final String audience;

		private final long skewSeconds;

		private final long maxLifetimeSeconds;

		private final Clock clock;

		ClaimRules(String issuer, String audience, long skewSeconds, long maxLifetimeSeconds, Clock clock) {
			this.issuer = issuer;
			this.audience = audience;
			this.skewSeconds = skewSeconds;
			this.maxLifetimeSeconds = maxLifetimeSeconds;
			this.clock = clock;
			// RFC 8725 §3.8: the issuer, compared as an exact string. RFC 8725 §3.9, RFC
			// 9068 §4: the audience (SessionClaims already refused tokens with several,
			// docs/SECURITY.md decision 2). RFC 7519 §4.1.4, §4.1.5: exp and nbf, with
			// the clock skew.
			JWTClaimsSet exactIssuer = new JWTClaimsSet.Builder().issuer(issuer).build();
			this.allRules = new Rule(Set.of(audience), exactIssuer, REQUIRED, clock, skewSeconds);
			this.issuerRule = new Rule(null, exactIssuer, null, null, 0);
			this.audienceRule = new Rule(Set.of(audience), null, null, null, 0);
			this.requiredRule = new Rule(null, null, REQUIRED, null, 0);
			this.timeRule = new Rule(null, null, null, clock, skewSeconds);
		}

		@Override
		public void verify(JWTClaimsSet claimsSet, VerificationContext context) throws BadJWTException {
			try {
				this.allRules.verify(claimsSet, null);
			}
			catch (BadJWTException e) {
				throw brokenRule(claimsSet);
			}
			long now = Math.floorDiv(this.clock.millis(), 1000L);
			long issuedAt = claimsSet.getIssueTime().getTime() / 1000;
			// RFC 7519 §4.1.6 leaves iat unchecked; a token issued in the future is not
			// Lanyard's.
			if (now + this.skewSeconds < issuedAt) {
				throw rejected(Reason.NOT_YET_VALID, "Token is issued in the future (iat)");
			}
			if (claimsSet.getExpirationTime().getTime() / 1000 - issuedAt > this.maxLifetimeSeconds) {
				throw rejected(Reason.INVALID_CLAIM, "Token lifetime exceeds the maximum");
			}
		}

		private BadJWTException brokenRule(JWTClaimsSet claimsSet) {
			if (fails(this.issuerRule, claimsSet)) {
				return rejected(Reason.WRONG_ISSUER, "Issuer does not match " + this.issuer);
			}
			if (fails(this.audienceRule, claimsSet)) {
				return rejected(Reason.WRONG_AUDIENCE, "Audience does not match " + this.audience);
			}
			if (fails(this.requiredRule, claimsSet)) {
				return rejected(Reason.MISSING_CLAIM, "A required claim is missing");
			}
			try {
				this.timeRule.verify(claimsSet, null);
			}
			catch (ExpiredJWTException e) {
				return rejected(Reason.EXPIRED, "Token expired");
			}
			catch (BadJWTException e) {
				return rejected(Reason.NOT_YET_VALID, "Token is not valid yet (nbf)");
			}
			// Only the clock passing nbf between the two checks gets here.
			return rejected(Reason.NOT_YET_VALID, "Token is not valid yet (nbf)");
		}

		private static boolean fails(Rule rule, JWTClaimsSet claimsSet) {
			try {
				rule.verify(claimsSet, null);
				return false;
			}
			catch (BadJWTException e) {
				return true;
			}
		}

	}

	/**
	 * A {@link DefaultJWTClaimsVerifier} on the verifier's clock; without a clock it
	 * checks no times.
	 */
	private static final class Rule extends DefaultJWTClaimsVerifier<VerificationContext> {

		private final Clock clock;

		Rule(Set<String> audience, JWTClaimsSet exactMatch, Set<String> required, Clock clock, long skewSeconds) {
			super(audience, exactMatch, required, null);
			this.clock = clock;
			setMaxClockSkew(Math.toIntExact(skewSeconds));
		}

		@Override
		protected Date currentTime() {
			return this.clock != null ? new Date(this.clock.millis()) : null;
		}

	}

}
