package dev.lanyard.jwt;

import java.lang.System.Logger.Level;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * The usable keys of one JWKS document, indexed by {@code kid}, with the time they were
 * fetched. Immutable and thread-safe.
 */
final class VerificationKeys {

	private static final System.Logger LOG = System.getLogger(VerificationKeys.class.getName());

	private final Map<String, List<VerificationKey>> byKeyId;

	private final List<VerificationKey> all;

	private final long fetchedAtMillis;

	private VerificationKeys(List<VerificationKey> all, long fetchedAtMillis) {
		Map<String, List<VerificationKey>> index = new HashMap<>();
		for (VerificationKey key : all) {
			if (key.keyId() != null) {
				index.computeIfAbsent(key.keyId(), id -> new ArrayList<>(1)).add(key);
			}
		}
		this.byKeyId = index;
		this.all = Collections.unmodifiableList(all);
		this.fetchedAtMillis = fetchedAtMillis;
	}

	/**
	 * Parses a JWKS document (RFC 7517 §5). Keys that cannot verify signatures are
	 * skipped one by one, so a single odd key does not take the whole set down.
	 * @throws ParseException when the document is not a JSON object with a {@code keys}
	 * array
	 */
	static VerificationKeys parse(String document, long fetchedAtMillis) throws ParseException {
		Map<String, Object> json = JSONObjectUtils.parse(document);
		if (json == null) {
			throw new ParseException("JWKS is not a JSON object", 0);
		}
		List<Object> entries = JSONObjectUtils.getJSONArray(json, "keys");
		if (entries == null) {
			throw new ParseException("JWKS has no \"keys\" array", 0);
		}
		List<VerificationKey> keys = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			StringBuilder skipped = new StringBuilder();
			VerificationKey key = null;
			if (entry instanceof Map<?, ?> map) {
				try {
					@SuppressWarnings("unchecked")
					Map<String, Object> jwkJson = (Map<String, Object>) map;
					key = VerificationKey.from(JWK.parse(jwkJson), skipped);
				}
				catch (ParseException | RuntimeException e) {
					skipped.append("not a valid JWK");
				}
			}
			else {
				skipped.append("not a JSON object");
			}
			if (key != null) {
				keys.add(key);
			}
			else {
				LOG.log(Level.WARNING, "Ignoring a JWKS entry: {0}", skipped);
			}
		}
		return new VerificationKeys(keys, fetchedAtMillis);
	}

	/**
	 * Selects the key for a token.
	 * @param keyId the token's {@code kid}, or {@code null} when it has none
	 * @return the key, or {@code null} when none matches. Without a {@code kid} a key is
	 * chosen only when the set holds exactly one key (RFC 7515 §4.1.4; trying every key
	 * is refused)
	 */
	VerificationKey select(String keyId, JWSAlgorithm algorithm) {
		if (keyId == null) {
			if (this.all.size() == 1 && this.all.get(0).supports(algorithm)) {
				return this.all.get(0);
			}
			return null;
		}
		List<VerificationKey> candidates = this.byKeyId.get(keyId);
		if (candidates != null) {
			for (VerificationKey candidate : candidates) {
				if (candidate.supports(algorithm)) {
					return candidate;
				}
			}
		}
		return null;
	}

	int size() {
		return this.all.size();
	}

	long fetchedAtMillis() {
		return this.fetchedAtMillis;
	}

}
