package dev.lanyard.server.secondfactor;

import java.util.Optional;
import java.util.UUID;

import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.stereotype.Service;

/**
 * A person's second factors as sign-in sees them: whether they have one, and which one a
 * typed code proves. Each factor is recorded on the authentication the way Spring
 * Security records the password ({@link FactorGrantedAuthority}), so {@code amr} and
 * {@code acr} follow from it.
 */
@Service
public class SecondFactors {

	/** A code from an authenticator app (RFC 6238). */
	public static final String TOTP_AUTHORITY = "FACTOR_TOTP";

	/** A one-time recovery code. */
	public static final String RECOVERY_CODE_AUTHORITY = "FACTOR_RECOVERY_CODE";

	private final TotpAuthenticators authenticators;

	private final RecoveryCodes recoveryCodes;

	SecondFactors(TotpAuthenticators authenticators, RecoveryCodes recoveryCodes) {
		this.authenticators = authenticators;
		this.recoveryCodes = recoveryCodes;
	}

	/**
	 * What the account page shows.
	 *
	 * @param authenticatorApp whether the person has a confirmed authenticator app
	 * @param recoveryCodesLeft how many unused recovery codes they have
	 */
	public record Status(boolean authenticatorApp, int recoveryCodesLeft) {
	}

	public Status status(UUID userId) {
		return new Status(this.authenticators.confirmed(userId), this.recoveryCodes.remaining(userId));
	}

	/** Whether sign-in asks this person for a second factor after the password. */
	public boolean enrolled(UUID userId) {
		return this.authenticators.confirmed(userId);
	}

	/**
	 * The factor a typed code proves: a code from the authenticator app (six digits), or
	 * else one of the recovery codes; each is used up by this.
	 * @return the factor's authority, or empty when the code proves nothing
	 */
	public Optional<String> prove(UUID userId, String typed) {
		String code = (typed != null) ? typed.strip() : "";
		if (this.authenticators.verify(userId, code.replace(" ", ""))) {
			return Optional.of(TOTP_AUTHORITY);
		}
		if (this.recoveryCodes.use(userId, code)) {
			return Optional.of(RECOVERY_CODE_AUTHORITY);
		}
		return Optional.empty();
	}

}
