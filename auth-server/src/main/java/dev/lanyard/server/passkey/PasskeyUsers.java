package dev.lanyard.server.passkey;

import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;

/**
 * The WebAuthn user of each account: a random user handle (32 bytes, never the account
 * id), the login name as the name an authenticator shows, and the person's name (else the
 * login name) as the display name. Spring Security's relying party asks for it by the
 * signed-in principal's name, which at Lanyard is the account id; it is made on first
 * use.
 */
final class PasskeyUsers implements PublicKeyCredentialUserEntityRepository {

	private final JdbcClient jdbc;

	private final JdbcUserAccountRepository accounts;

	PasskeyUsers(JdbcClient jdbc, JdbcUserAccountRepository accounts) {
		this.jdbc = jdbc;
		this.accounts = accounts;
	}

	/** The account a user handle belongs to. */
	Optional<UUID> accountOf(Bytes handle) {
		return this.jdbc.sql("SELECT user_id FROM passkey_users WHERE id = ?")
			.param(handle.toBase64UrlString())
			.query(UUID.class)
			.optional();
	}

	/** The account's user handle, if it has one. */
	Optional<Bytes> handleOf(UUID accountId) {
		return this.jdbc.sql("SELECT id FROM passkey_users WHERE user_id = ?")
			.param(accountId)
			.query(String.class)
			.optional()
			.map(Bytes::fromBase64);
	}

	@Override
	public PublicKeyCredentialUserEntity findById(Bytes id) {
		return accountOf(id).flatMap((account) -> entity(account, id)).orElse(null);
	}

	/**
	 * @param username the principal's name: the account id
	 */
	@Override
	public PublicKeyCredentialUserEntity findByUsername(String username) {
		UUID account;
		try {
			account = UUID.fromString(username);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		if (this.accounts.findById(account).isEmpty()) {
			return null;
		}
		this.jdbc.sql("INSERT INTO passkey_users (id, user_id) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING")
			.params(Bytes.random().toBase64UrlString(), account)
			.update();
		return handleOf(account).flatMap((handle) -> entity(account, handle)).orElse(null);
	}

	/**
	 * Keeps a user handle made elsewhere for the account its name gives (the principal's
	 * name: the account id), unless the account has one; {@link #findByUsername} makes
	 * them itself, so Spring Security's relying party never needs this.
	 * @throws IllegalArgumentException when the name is no account's id
	 */
	@Override
	public void save(PublicKeyCredentialUserEntity userEntity) {
		UUID account;
		try {
			account = UUID.fromString(userEntity.getName());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("A user handle belongs to an account, named by its id");
		}
		if (this.accounts.findById(account).isEmpty()) {
			throw new IllegalArgumentException("No such account");
		}
		this.jdbc.sql("INSERT INTO passkey_users (id, user_id) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING")
			.params(userEntity.getId().toBase64UrlString(), account)
			.update();
	}

	@Override
	public void delete(Bytes id) {
		this.jdbc.sql("DELETE FROM passkey_users WHERE id = ?").param(id.toBase64UrlString()).update();
	}

	private Optional<PublicKeyCredentialUserEntity> entity(UUID accountId, Bytes handle) {
		return this.accounts.findById(accountId).map((account) -> entity(account, handle));
	}

	private static PublicKeyCredentialUserEntity entity(UserAccount account, Bytes handle) {
		String name = account.claims().get("name");
		return ImmutablePublicKeyCredentialUserEntity.builder()
			.id(handle)
			.name(account.username())
			.displayName((name != null && !name.isBlank()) ? name : account.username())
			.build();
	}

}
