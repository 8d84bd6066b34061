package dev.lanyard.server.passkey;

import java.sql.Timestamp;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;

/**
 * The passkeys as a sign-in sees them: read like the stored ones, and saved after a use
 * only as that use's signature counter and time, on the row that is still there. The
 * framework's repository saves a used passkey by writing the whole record, and inserts it
 * when no row was updated: a passkey its owner removed (or an administrator reset) while
 * a sign-in with it was under way came back, with that sign-in. And two answers of a
 * copied passkey at once, on two nodes, could both pass the counter check made before the
 * save; here the save itself holds the counter to moving on (W3C WebAuthn Level 3 §6.1.1;
 * both zero: an authenticator that does not count).
 */
final class SignInCredentials implements UserCredentialRepository {

	private final UserCredentialRepository stored;

	private final JdbcClient jdbc;

	SignInCredentials(UserCredentialRepository stored, JdbcClient jdbc) {
		this.stored = stored;
		this.jdbc = jdbc;
	}

	/**
	 * Saves a use of the passkey.
	 * @throws BadCredentialsException when the passkey is gone, or its counter did not
	 * move on from the saved one: the sign-in is refused
	 */
	@Override
	public void save(CredentialRecord used) {
		int saved = this.jdbc.sql("""
				UPDATE user_credentials SET signature_count = :count, last_used = :used
				 WHERE credential_id = :id AND user_entity_user_id = :owner
				   AND (signature_count < :count OR (signature_count = 0 AND :count = 0))""")
			.param("count", used.getSignatureCount())
			.param("used", Timestamp.from(used.getLastUsed()))
			.param("id", used.getCredentialId().toBase64UrlString())
			.param("owner", used.getUserEntityUserId().toBase64UrlString())
			.update();
		if (saved != 1) {
			throw new BadCredentialsException("The passkey is gone, or its signature counter did not move on");
		}
	}

	@Override
	public CredentialRecord findByCredentialId(Bytes credentialId) {
		return this.stored.findByCredentialId(credentialId);
	}

	@Override
	public List<CredentialRecord> findByUserId(Bytes userId) {
		return this.stored.findByUserId(userId);
	}

	@Override
	public void delete(Bytes credentialId) {
		throw new UnsupportedOperationException("A sign-in removes no passkey");
	}

}
