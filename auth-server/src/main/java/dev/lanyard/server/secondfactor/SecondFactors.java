package dev.lanyard.server.secondfactor;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.security.core.authority.FactorGrantedAuthority;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

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

	/**
	 * NIST SP 800-63B §5.2.2: wrong second factors accepted one after the other, before
	 * none is accepted until an administrator resets the person's factors. Guesses are
	 * throttled besides (the password's budget), so an owner never gets there by mistake.
	 */
	public static final int MOST_CONSECUTIVE_FAILURES = 100;

	private final TotpAuthenticators authenticators;

	private final RecoveryCodes recoveryCodes;

	private final Passkeys passkeys;

	private final List<String> requiredForRoles;

	private final JdbcClient jdbc;

	private final JdbcUserAccountRepository accounts;

	SecondFactors(TotpAuthenticators authenticators, RecoveryCodes recoveryCodes, Passkeys passkeys,
			LanyardProperties properties, JdbcClient jdbc, JdbcUserAccountRepository accounts) {
		this.jdbc = jdbc;
		this.accounts = accounts;
		this.authenticators = authenticators;
		this.recoveryCodes = recoveryCodes;
		this.passkeys = passkeys;
		this.requiredForRoles = properties.login().mfaRequiredRoles();
	}

	/** What became of a person's request to remove one of their second factors. */
	public enum Removal {

		/** Removed. */
		REMOVED,

		/**
		 * Kept: it is their last one and a second factor is required of them (a role of
		 * theirs, {@code lanyard.login.mfa-required-roles}, or {@code mfa-required}).
		 */
		LAST_FACTOR,

		/** Not theirs, or already gone. */
		NOT_FOUND

	}

	/**
	 * Removes one of the person's passkeys, or their authenticator app with its recovery
	 * codes, unless it is their last one while a second factor is required of them. The
	 * person's row is locked first, so two removals at once, or a removal beside a change
	 * of their roles, happen one after the other, each seeing what the other left:
	 * checked apart from the removal, two removals at once could each see the other's
	 * factor remain and leave none.
	 * @param passkeyId the passkey to remove, or {@code null} for the authenticator app
	 */
	@Transactional
	public Removal remove(UUID userId, String passkeyId) {
		List<String> roles = this.accounts.findByIdForUpdate(userId).map(UserAccount::roles).orElse(null);
		if (roles == null) {
			return Removal.NOT_FOUND;
		}
		if (!mayRemove(userId, roles, passkeyId)) {
			return Removal.LAST_FACTOR;
		}
		boolean removed;
		if (passkeyId != null) {
			removed = this.passkeys.remove(userId, passkeyId);
		}
		else {
			removed = this.authenticators.remove(userId);
			this.recoveryCodes.removeAll(userId);
		}
		return removed ? Removal.REMOVED : Removal.NOT_FOUND;
	}

	/** Whether the person may remove this factor now; the caller holds their row. */
	private boolean mayRemove(UUID userId, List<String> roles, String passkeyId) {
		if (roles.stream().noneMatch(this.requiredForRoles::contains) && !requiredFor(userId)) {
			return true;
		}
		if (passkeyId != null && Passkeys.canonical(passkeyId) == null) {
			return false;
		}
		boolean appRemains = passkeyId != null && this.authenticators.confirmed(userId);
		long passkeysRemaining = this.passkeys.list(userId)
			.stream()
			.filter((passkey) -> !passkey.id().equals(passkeyId))
			.count();
		return appRemains || passkeysRemaining > 0;
	}

	/**
	 * What the account page shows.
	 *
	 * @param authenticatorApp whether the person has a confirmed authenticator app
	 * @param recoveryCodesLeft how many unused recovery codes they have
	 * @param passkeys whether they have a passkey
	 */
	public record Status(boolean authenticatorApp, int recoveryCodesLeft, boolean passkeys) {

		/** Whether sign-in asks for a second factor. */
		public boolean on() {
			return this.authenticatorApp || this.passkeys;
		}

	}

	/**
	 * Gives the person the authenticator app they bring from another provider (its
	 * secret, {@link TotpAuthenticators#importable}), confirmed at once.
	 * @return whether anything changed
	 */
	public boolean importAuthenticatorApp(UUID userId, byte[] secret) {
		return this.authenticators.importSecret(userId, secret);
	}

	/** The person's passkeys, by when they were added. */
	public List<Passkeys.Passkey> passkeys(UUID userId) {
		return this.passkeys.list(userId);
	}

	public Status status(UUID userId) {
		return new Status(this.authenticators.confirmed(userId), this.recoveryCodes.remaining(userId),
				this.passkeys.any(userId));
	}

	/**
	 * Whether every sign-in of the person must have two factors ({@code mfa-required},
	 * set by an administrator or the bootstrap file).
	 */
	public boolean requiredFor(UUID userId) {
		return this.jdbc.sql("SELECT mfa_required FROM users WHERE id = ?")
			.param(userId)
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

	/**
	 * Sets whether every sign-in of the person must have two factors. Not part of the
	 * account's profile ({@code updated_at}, the version of the account form, stays).
	 */
	public boolean require(UUID userId, boolean required) {
		return this.jdbc.sql("UPDATE users SET mfa_required = ? WHERE id = ? AND mfa_required <> ?")
			.params(required, userId, required)
			.update() == 1;
	}

	/** Whether sign-in asks this person for a second factor after the password. */
	public boolean enrolled(UUID userId) {
		return this.authenticators.confirmed(userId) || this.passkeys.any(userId);
	}

	/**
	 * The factor a typed code proves: a code from the authenticator app (six digits), or
	 * else one of the recovery codes; each is used up by this.
	 * @param fromTrustedDevice whether the code comes from a browser the account trusts
	 * (its device cookie): wrong codes from there are counted apart from those from
	 * anywhere else, so that someone with the password cannot block the owner's own
	 * browser (HD-05)
	 * @return the factor's authority, or empty when the code proves nothing
	 */
	public Optional<String> prove(UUID userId, String typed, boolean fromTrustedDevice) {
		if (blocked(userId, fromTrustedDevice)) {
			return Optional.empty();
		}
		String code = (typed != null) ? typed.strip() : "";
		Optional<String> proven = Optional.empty();
		if (this.authenticators.verify(userId, code.replace(" ", ""))) {
			proven = Optional.of(TOTP_AUTHORITY);
		}
		else if (this.recoveryCodes.use(userId, code)) {
			proven = Optional.of(RECOVERY_CODE_AUTHORITY);
		}
		if (proven.isPresent()) {
			this.authenticators.succeeded(userId);
		}
		else {
			this.authenticators.failed(userId, fromTrustedDevice);
		}
		return proven;
	}

	/**
	 * Whether the person's second factors take no code any more from browsers the account
	 * does not trust: too many wrong ones one after the other
	 * ({@value #MOST_CONSECUTIVE_FAILURES}). The person's own remembered browsers have a
	 * count of their own ({@link #blocked(UUID, boolean)}).
	 */
	public boolean blocked(UUID userId) {
		return blocked(userId, false);
	}

	/**
	 * Whether the person's second factors take no code any more from a browser the
	 * account trusts, or from anywhere else: too many wrong ones one after the other from
	 * there ({@value #MOST_CONSECUTIVE_FAILURES}).
	 */
	public boolean blocked(UUID userId, boolean fromTrustedDevice) {
		return this.authenticators.consecutiveFailures(userId, fromTrustedDevice) >= MOST_CONSECUTIVE_FAILURES;
	}

	/**
	 * Removes the person's authenticator app and recovery codes (an administrator's
	 * reset: a lost phone, or factors blocked by guesses).
	 * @return whether there was anything to remove
	 */
	@Transactional
	public boolean reset(UUID userId) {
		boolean removed = this.authenticators.remove(userId);
		this.recoveryCodes.removeAll(userId);
		return this.passkeys.removeAll(userId) || removed;
	}

}
