package dev.lanyard.server.passkey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import tools.jackson.databind.json.JsonMapper;

/**
 * A passkey authenticator in software, for answers a browser would not give: it makes an
 * ES256 credential for the options it is shown ("none" attestation) and answers request
 * options with or without user verification, as WebAuthn Level 3 §6 lays out the bytes
 * (RP ID hash, flags, counter; the signature over authenticator data and the client
 * data's hash). Its answers are the JSON browsers send
 * ({@code PublicKeyCredential.toJSON}).
 */
final class SoftwarePasskey {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();

	private final KeyPair keys;

	private final byte[] credentialId = new byte[32];

	private final String rpId;

	private final String origin;

	private String userHandle;

	private long counter;

	SoftwarePasskey(String origin) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		this.keys = generator.generateKeyPair();
		new java.security.SecureRandom().nextBytes(this.credentialId);
		this.origin = origin;
		this.rpId = java.net.URI.create(origin).getHost();
	}

	/**
	 * Makes this authenticator count its signatures from {@code counter} again, as a copy
	 * of its key made earlier would (W3C WebAuthn Level 3 §6.1.1, signature counter).
	 */
	void rewind(long counter) {
		this.counter = counter;
	}

	String credentialId() {
		return base64url.encodeToString(this.credentialId);
	}

	/** The answer to creation options: a new credential, user verified. */
	@SuppressWarnings("unchecked")
	String create(String optionsJson) throws Exception {
		Map<String, Object> options = json.readValue(optionsJson, Map.class);
		this.userHandle = (String) ((Map<String, Object>) options.get("user")).get("id");
		byte[] clientData = clientData("webauthn.create", (String) options.get("challenge"));
		AuthenticatorData<?> authenticatorData = new AuthenticatorData<>(rpIdHash(),
				(byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT), 0,
				new AttestedCredentialData(AAGUID.ZERO, this.credentialId,
						EC2COSEKey.create((ECPublicKey) this.keys.getPublic(), COSEAlgorithmIdentifier.ES256)));
		@SuppressWarnings({ "rawtypes" })
		byte[] attestationObject = new AttestationObjectConverter(new ObjectConverter()).convertToBytes(
				new AttestationObject((AuthenticatorData) authenticatorData, new NoneAttestationStatement()));
		Map<String, Object> response = new LinkedHashMap<>();
		response.put("attestationObject", base64url.encodeToString(attestationObject));
		response.put("clientDataJSON", base64url.encodeToString(clientData));
		response.put("transports", List.of("internal"));
		return answer(response);
	}

	/** The answer to request options, with the user verified or not. */
	@SuppressWarnings("unchecked")
	String get(String optionsJson, boolean userVerified) throws Exception {
		Map<String, Object> options = json.readValue(optionsJson, Map.class);
		byte[] clientData = clientData("webauthn.get", (String) options.get("challenge"));
		byte flags = (byte) (AuthenticatorData.BIT_UP | (userVerified ? AuthenticatorData.BIT_UV : 0));
		byte[] authenticatorData = ByteBuffer.allocate(37)
			.put(rpIdHash())
			.put(flags)
			.putInt((int) ++this.counter)
			.array();
		Signature signer = Signature.getInstance("SHA256withECDSA");
		signer.initSign(this.keys.getPrivate());
		signer.update(authenticatorData);
		signer.update(MessageDigest.getInstance("SHA-256").digest(clientData));
		Map<String, Object> response = new LinkedHashMap<>();
		response.put("authenticatorData", base64url.encodeToString(authenticatorData));
		response.put("clientDataJSON", base64url.encodeToString(clientData));
		response.put("signature", base64url.encodeToString(signer.sign()));
		response.put("userHandle", this.userHandle);
		return answer(response);
	}

	private String answer(Map<String, Object> response) {
		Map<String, Object> credential = new LinkedHashMap<>();
		credential.put("id", credentialId());
		credential.put("rawId", credentialId());
		credential.put("type", "public-key");
		credential.put("response", response);
		credential.put("clientExtensionResults", Map.of());
		credential.put("authenticatorAttachment", "platform");
		return json.writeValueAsString(credential);
	}

	private byte[] clientData(String type, String challenge) {
		Map<String, Object> clientData = new LinkedHashMap<>();
		clientData.put("type", type);
		clientData.put("challenge", challenge);
		clientData.put("origin", this.origin);
		clientData.put("crossOrigin", false);
		return json.writeValueAsString(clientData).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] rpIdHash() throws Exception {
		return MessageDigest.getInstance("SHA-256").digest(this.rpId.getBytes(StandardCharsets.UTF_8));
	}

}
