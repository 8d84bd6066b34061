package dev.lanyard.server.passkey;

import java.io.Serial;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.server.LanyardProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.webauthn.api.AttestationConveyancePreference;
import org.springframework.security.web.webauthn.api.AuthenticatorAssertionResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorAttestationResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutableAuthenticationExtensionsClientInput;
import org.springframework.security.web.webauthn.api.ImmutableAuthenticationExtensionsClientInputs;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialParameters;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.jackson.WebauthnJacksonModule;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialRequestOptionsRequest;
import org.springframework.security.web.webauthn.management.ImmutableRelyingPartyRegistrationRequest;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.RelyingPartyAuthenticationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyPublicKey;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import org.springframework.stereotype.Service;

/**
 * Passkeys (WebAuthn Level 3) through Spring Security's relying party (webauthn4j): the
 * relying-party id is the issuer's host and the only origin the issuer's, so a passkey
 * made for this server answers no other. Registering asks for a discoverable credential;
 * signing in with a passkey alone requires user verification (the authenticator's PIN or
 * biometric: two factors in one device), as the second factor after a password it is
 * preferred. Each ceremony's options (its challenge) wait in the session and are used
 * once. Credentials live in PostgreSQL ({@link JdbcUserCredentialRepository}), hung off
 * the account's random user handle ({@link PasskeyUsers}).
 */
@Service
public class Passkeys {

	private static final String CREATION = Passkeys.class.getName() + ".CREATION";

	private static final String SIGN_IN = Passkeys.class.getName() + ".SIGN_IN";

	private static final String SECOND_FACTOR = Passkeys.class.getName() + ".SECOND_FACTOR";

	/** How long a ceremony may take (the options' timeout). */
	private static final Duration CEREMONY = Duration.ofMinutes(5);

	private static final Logger logger = LoggerFactory.getLogger(Passkeys.class);

	private static final JsonMapper json = JsonMapper.builder().addModule(new WebauthnJacksonModule()).build();

	private final PasskeyUsers users;

	private final JdbcUserCredentialRepository credentials;

	private final PublicKeyCredentialRpEntity relyingParty;

	private final Webauthn4JRelyingPartyOperations verifying;

	private final Webauthn4JRelyingPartyOperations preferring;

	private final Webauthn4JRelyingPartyOperations registering;

	private final JdbcClient jdbc;

	Passkeys(JdbcClient jdbc, JdbcOperations jdbcOperations, dev.lanyard.server.user.JdbcUserAccountRepository accounts,
			LanyardProperties properties) {
		this.jdbc = jdbc;
		this.users = new PasskeyUsers(jdbc, accounts);
		this.credentials = new JdbcUserCredentialRepository(jdbcOperations);
		URI issuer = properties.issuer();
		this.relyingParty = PublicKeyCredentialRpEntity.builder()
			.id(issuer.getHost().toLowerCase(Locale.ROOT))
			.name("Lanyard")
			.build();
		Set<String> origins = Set.of(origin(issuer));
		SignInCredentials signIns = new SignInCredentials(this.credentials, jdbc);
		this.verifying = new Webauthn4JRelyingPartyOperations(this.users, signIns, this.relyingParty, origins);
		this.verifying
			.setCustomizeRequestOptions((options) -> options.userVerification(UserVerificationRequirement.REQUIRED));
		this.preferring = new Webauthn4JRelyingPartyOperations(this.users, signIns, this.relyingParty, origins);
		this.registering = new Webauthn4JRelyingPartyOperations(this.users, this.credentials, this.relyingParty,
				origins);
	}

	/** A passkey as the account page lists it. */
	public record Passkey(String id, String label, Instant created, Instant lastUsed) {
	}

	/** The creation options for a new passkey of the signed-in person, as JSON. */
	public String creationOptions(HttpServletRequest request, Authentication person) {
		PublicKeyCredentialUserEntity user = this.users.findByUsername(person.getName());
		Bytes challenge = Bytes.random();
		List<CredentialRecord> existing = this.credentials.findByUserId(user.getId());
		PublicKeyCredentialCreationOptions options = creationOptions(challenge, user, existing);
		request.getSession()
			.setAttribute(CREATION, new PendingCreation(challenge.getBytes(), user.getId().getBytes(), user.getName(),
					user.getDisplayName(), Instant.now()));
		return json.writeValueAsString(options);
	}

	/**
	 * Registers the passkey the browser made for the options this session was given.
	 * @return the new passkey, or empty when the answer does not hold
	 */
	public Optional<Passkey> register(HttpServletRequest request, Authentication person, String credentialJson,
			String label) {
		HttpSession session = request.getSession(false);
		if (session == null || !(session.getAttribute(CREATION) instanceof PendingCreation pending)) {
			return Optional.empty();
		}
		session.removeAttribute(CREATION);
		PublicKeyCredentialUserEntity user = this.users.findByUsername(person.getName());
		if (user == null || !user.getId().equals(new Bytes(pending.userHandle()))
				|| Instant.now().isAfter(pending.at().plus(CEREMONY))
				|| this.credentials.findByUserId(user.getId()).size() >= MOST_PER_ACCOUNT) {
			return Optional.empty();
		}
		try {
			JavaType type = json.getTypeFactory()
				.constructParametricType(PublicKeyCredential.class, AuthenticatorAttestationResponse.class);
			PublicKeyCredential<AuthenticatorAttestationResponse> credential = json.readValue(credentialJson, type);
			CredentialRecord record = this.registering.registerCredential(new ImmutableRelyingPartyRegistrationRequest(
					creationOptions(new Bytes(pending.challenge()), user, List.of()),
					new RelyingPartyPublicKey(credential, label)));
			return Optional.of(passkey(record));
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The most passkeys an account may have: each one is offered to every sign-in as the
	 * second factor and listed on the account page, and adding them had no end.
	 */
	public static final int MOST_PER_ACCOUNT = 20;

	/** Whether the account has as many passkeys as it may. */
	public boolean full(UUID account) {
		return list(account).size() >= MOST_PER_ACCOUNT;
	}

	/** The person's passkeys, newest first. */
	public List<Passkey> list(UUID account) {
		return this.users.handleOf(account)
			.map((handle) -> this.credentials.findByUserId(handle)
				.stream()
				.map(Passkeys::passkey)
				.sorted(Comparator.comparing(Passkey::created).reversed())
				.toList())
			.orElse(List.of());
	}

	/** Whether the person has a passkey. */
	public boolean any(UUID account) {
		return !list(account).isEmpty();
	}

	/**
	 * Removes one of the person's passkeys.
	 * @return whether it was theirs
	 */
	public boolean remove(UUID account, String credentialId) {
		Optional<Bytes> handle = this.users.handleOf(account);
		Bytes id = canonical(credentialId);
		if (id == null) {
			return false;
		}
		CredentialRecord record = this.credentials.findByCredentialId(id);
		if (handle.isEmpty() || record == null || !record.getUserEntityUserId().equals(handle.get())) {
			return false;
		}
		this.credentials.delete(id);
		return true;
	}

	/**
	 * Gives one of the person's passkeys a new name.
	 * @return whether it was theirs
	 */
	public boolean rename(UUID account, String credentialId, String label) {
		Optional<Bytes> handle = this.users.handleOf(account);
		Bytes id = canonical(credentialId);
		if (handle.isEmpty() || id == null) {
			return false;
		}
		// The label alone (the framework's save would write the signature counter back
		// too, undoing a sign-in's newer one on another node); the ids as the framework
		// stores them.
		return this.jdbc
			.sql("UPDATE user_credentials SET label = ? WHERE credential_id = ? AND user_entity_user_id = ?")
			.params(label, id.toBase64UrlString(), handle.get().toBase64UrlString())
			.update() == 1;
	}

	/**
	 * A credential id as the page shows it (base64url without padding), or {@code null}
	 * when it is written any other way: one credential has one name.
	 */
	public static Bytes canonical(String credentialId) {
		try {
			Bytes id = Bytes.fromBase64(credentialId);
			return id.toBase64UrlString().equals(credentialId) ? id : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** Removes every passkey of the person (an administrator's reset). */
	public boolean removeAll(UUID account) {
		Optional<Bytes> handle = this.users.handleOf(account);
		if (handle.isEmpty()) {
			return false;
		}
		List<CredentialRecord> records = this.credentials.findByUserId(handle.get());
		records.forEach((record) -> this.credentials.delete(record.getCredentialId()));
		return !records.isEmpty();
	}

	/**
	 * Options to sign in with a passkey alone (any of this server's discoverable
	 * credentials, user verification required), as JSON.
	 */
	public String signInOptions(HttpServletRequest request) {
		PublicKeyCredentialRequestOptions options = this.verifying
			.createCredentialRequestOptions(new ImmutablePublicKeyCredentialRequestOptionsRequest(null));
		request.getSession().setAttribute(SIGN_IN, new PendingRequest(options, Instant.now()));
		return json.writeValueAsString(options);
	}

	/**
	 * Options to prove a second factor with one of this person's passkeys, as JSON.
	 */
	public String secondFactorOptions(HttpServletRequest request, Authentication person) {
		PublicKeyCredentialRequestOptions options = this.preferring
			.createCredentialRequestOptions(new ImmutablePublicKeyCredentialRequestOptionsRequest(person));
		request.getSession().setAttribute(SECOND_FACTOR, new PendingRequest(options, Instant.now()));
		return json.writeValueAsString(options);
	}

	/**
	 * Checks a passkey's answer to the options this session was given (once), and returns
	 * whose passkey it is.
	 * @param secondFactor whether it answers the second-factor options, else the
	 * sign-in's
	 * @return the account, or empty when the answer does not hold
	 */
	public Optional<Verified> authenticate(HttpServletRequest request, String credentialJson, boolean secondFactor) {
		HttpSession session = request.getSession(false);
		String attribute = secondFactor ? SECOND_FACTOR : SIGN_IN;
		if (session == null || !(session.getAttribute(attribute) instanceof PendingRequest pending)) {
			return Optional.empty();
		}
		session.removeAttribute(attribute);
		if (credentialJson == null || Instant.now().isAfter(pending.at().plus(CEREMONY))) {
			return Optional.empty();
		}
		PublicKeyCredential<AuthenticatorAssertionResponse> credential;
		try {
			JavaType type = json.getTypeFactory()
				.constructParametricType(PublicKeyCredential.class, AuthenticatorAssertionResponse.class);
			credential = json.readValue(credentialJson, type);
		}
		catch (RuntimeException ex) {
			logger.debug("A passkey answer that is not WebAuthn JSON: {}", ex.getClass().getSimpleName());
			return Optional.empty();
		}
		if (credential == null || credential.getResponse() == null) {
			// JSON null (read as no credential), or no response in it.
			return Optional.empty();
		}
		Bytes userHandle = credential.getResponse().getUserHandle();
		if (!secondFactor && userHandle == null) {
			// WebAuthn §7.2 step 6: without allowed credentials, the authenticator must
			// say whose credential it is.
			return Optional.empty();
		}
		if (!signatureCounterMovedOn(credential)) {
			// Possibly a copy of the passkey's key (or an answer made up to look like
			// one: the signature is not checked yet): worth an operator's look.
			logger.warn("A passkey answer was refused: its signature counter did not move on from the saved one");
			return Optional.empty();
		}
		Webauthn4JRelyingPartyOperations operations = secondFactor ? this.preferring : this.verifying;
		PublicKeyCredentialUserEntity owner;
		try {
			owner = operations.authenticate(new RelyingPartyAuthenticationRequest(pending.options(), credential));
		}
		catch (DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// A wrong signature, challenge, origin or an unknown credential: refused; the
			// reason (never the answer) for whoever runs the server.
			logger.debug("A passkey answer was refused: {}: {}", ex.getClass().getSimpleName(), ex.getMessage());
			return Optional.empty();
		}
		if (userHandle != null && !userHandle.equals(owner.getId())) {
			// The authenticator says the credential is someone else's.
			return Optional.empty();
		}
		// WebAuthn §6.1: bit 2 of the flags byte (after the 32-byte RP ID hash) is UV,
		// user verified; webauthn4j required it where the options did.
		byte[] authenticatorData = credential.getResponse().getAuthenticatorData().getBytes();
		boolean userVerified = authenticatorData.length > 32 && (authenticatorData[32] & 0x04) != 0 && (secondFactor
				|| UserVerificationRequirement.REQUIRED.equals(pending.options().getUserVerification()));
		return this.users.accountOf(owner.getId()).map((account) -> new Verified(account, userVerified));
	}

	/**
	 * Whether the answer's signature counter moved on from the one Lanyard saved with the
	 * passkey (W3C WebAuthn Level 3 §6.1.1 and §7.2 step 21: unless both are zero, as
	 * with authenticators that do not count, a counter that does not grow means a copy of
	 * the authenticator's key). Spring Security's relying party hands webauthn4j the
	 * counter the passkey had when it was registered, not the one it saved after each
	 * use, so webauthn4j's own check only ever compares with zero; the comparison is made
	 * here, before the answer is verified and its counter saved. An answer too short to
	 * hold a counter, or for an unknown credential, is left to the verification to
	 * refuse.
	 */
	private boolean signatureCounterMovedOn(PublicKeyCredential<AuthenticatorAssertionResponse> credential) {
		if (credential.getRawId() == null || credential.getResponse().getAuthenticatorData() == null) {
			return true;
		}
		byte[] authenticatorData = credential.getResponse().getAuthenticatorData().getBytes();
		CredentialRecord saved = this.credentials.findByCredentialId(credential.getRawId());
		if (authenticatorData.length < 37 || saved == null) {
			return true;
		}
		// WebAuthn §6.1: the RP ID hash (32 bytes), the flags (1), the counter (4, big
		// endian, unsigned).
		long presented = java.nio.ByteBuffer.wrap(authenticatorData, 33, 4).getInt() & 0xFFFF_FFFFL;
		return presented == 0 && saved.getSignatureCount() == 0 || presented > saved.getSignatureCount();
	}

	/**
	 * A passkey's answer that held.
	 *
	 * @param account whose passkey it is
	 * @param userVerified whether the authenticator verified its user (PIN, biometric)
	 */
	public record Verified(UUID account, boolean userVerified) {
	}

	private PublicKeyCredentialCreationOptions creationOptions(Bytes challenge, PublicKeyCredentialUserEntity user,
			List<CredentialRecord> existing) {
		return PublicKeyCredentialCreationOptions.builder()
			.attestation(AttestationConveyancePreference.NONE)
			.pubKeyCredParams(PublicKeyCredentialParameters.EdDSA, PublicKeyCredentialParameters.ES256,
					PublicKeyCredentialParameters.RS256)
			.authenticatorSelection(AuthenticatorSelectionCriteria.builder()
				.userVerification(UserVerificationRequirement.PREFERRED)
				.residentKey(ResidentKeyRequirement.REQUIRED)
				.build())
			.challenge(challenge)
			.extensions(new ImmutableAuthenticationExtensionsClientInputs(
					ImmutableAuthenticationExtensionsClientInput.credProps))
			.timeout(CEREMONY)
			.user(user)
			.rp(this.relyingParty)
			.excludeCredentials(existing.stream()
				.map((record) -> org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor.builder()
					.id(record.getCredentialId())
					.transports(record.getTransports())
					.build())
				.toList())
			.build();
	}

	private static Passkey passkey(CredentialRecord record) {
		return new Passkey(record.getCredentialId().toBase64UrlString(), record.getLabel(), record.getCreated(),
				record.getLastUsed());
	}

	/**
	 * The issuer's origin (RFC 6454 §4: scheme and host in lower case, no default port),
	 * as browsers write it in a passkey's client data.
	 */
	static String origin(URI issuer) {
		String scheme = issuer.getScheme().toLowerCase(Locale.ROOT);
		int port = issuer.getPort();
		boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
				|| ("http".equals(scheme) && port == 80);
		return scheme + "://" + issuer.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
	}

	/** What a registration needs of its creation options, kept in the session. */
	private record PendingCreation(byte[] challenge, byte[] userHandle, String name, String displayName,
			Instant at) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	/** Request options waiting for their answer, kept in the session. */
	private record PendingRequest(PublicKeyCredentialRequestOptions options, Instant at) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

}
