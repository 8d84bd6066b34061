package dev.lanyard.server.authorization;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.lanyard.server.token.TokenHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The framework's {@link OAuth2AuthorizationService} over {@link JdbcAuthorizationRows}:
 * every token, code and state stored as a SHA-256 hash, so that a copy of the database
 * holds nothing that can be presented; new rows committed in groups
 * ({@link GroupedInserts}); access-token lookups through {@link CachedAccessTokens}.
 * <p>
 * Two rules the framework leaves to storage are enforced here:
 * <ul>
 * <li>Single use is atomic. Each row carries a version; a save names the version it read,
 * so when the same authorization code or refresh token is redeemed on two nodes at once,
 * one save wins and the other fails with {@code invalid_grant}. A lost race is a second
 * use of a single-use artifact, so the grant is revoked (RFC 6749 §4.1.2: "If an
 * authorization code is used more than once, the authorization server MUST deny the
 * request and SHOULD revoke … all tokens previously issued based on that authorization
 * code"; RFC 9700 §4.14.2 for refresh tokens).</li>
 * <li>Refresh-token reuse revokes the grant. Rotated-away refresh tokens are remembered
 * (by hash); presenting one again revokes every token of the grant (RFC 9700
 * §4.14.2).</li>
 * </ul>
 * Thread-safe.
 */
public class HashedAuthorizationService implements OAuth2AuthorizationService {

	private static final Logger logger = LoggerFactory.getLogger(HashedAuthorizationService.class);

	private final JdbcAuthorizationRows rows;

	private final CachedAccessTokens cache;

	private final RecordedGrantRevocations revocations;

	private final TransactionTemplate transactions;

	private final RegisteredClientRepository clients;

	private final Clock clock;

	private final AuthorizationCodec codec;

	private final DecodedAccessTokens decoded = new DecodedAccessTokens();

	private final GroupedInserts inserts;

	HashedAuthorizationService(JdbcAuthorizationRows rows, CachedAccessTokens cache,
			RecordedGrantRevocations revocations, TransactionTemplate transactions, RegisteredClientRepository clients,
			Clock clock, AuthorizationCodec codec) {
		this.rows = rows;
		this.cache = cache;
		this.revocations = revocations;
		this.transactions = transactions;
		this.clients = clients;
		this.clock = clock;
		this.codec = codec;
		this.inserts = new GroupedInserts(rows, transactions);
	}

	/**
	 * A new device request whose user code is the same as one still stored (V20: unique
	 * while waiting for a person): when that one expired unanswered, it gives the code up
	 * and the new request is stored; when it is still waiting (about one chance in
	 * 10<sup>9</sup> per request), the device is told to ask again, never a server error.
	 */
	private void insertWithUserCodeOfExpiredRequest(StoredAuthorization stored, DuplicateKeyException ex) {
		if (stored.userCode() == null) {
			throw ex;
		}
		if (this.rows.releaseExpiredUserCode(stored.userCode().hash()) == 0) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
					"The user code drawn for this request is in use: ask again", null));
		}
		this.inserts.insert(stored);
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		Long version = authorization.getAttribute(AuthorizationAttributes.VERSION);
		if (version == null) {
			StoredAuthorization stored = this.codec.encode(authorization, 0, this.clock.instant());
			// Committed (with the rows issued beside it) before the token is answered.
			try {
				this.inserts.insert(stored, CredentialsAuthenticatedWith.of(authorization));
			}
			catch (DuplicateKeyException ex) {
				insertWithUserCodeOfExpiredRequest(stored, ex);
			}
			catch (CredentialsChangedException ex) {
				// Authenticated with a secret or keys replaced a moment ago (this node's
				// copy of the client was not yet re-read): as if it had been re-read.
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
			}
			this.cache.issued(stored);
			return;
		}
		Instant createdAt = authorization.getAttribute(AuthorizationAttributes.GRANT_STARTED_AT);
		StoredAuthorization stored = this.codec.encode(authorization, version + 1, createdAt);
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = authorization.getAccessToken();
		List<String> sessionIds = (stored.sessionId() != null) ? List.of(stored.sessionId()) : List.of();
		AtomicBoolean recorded = new AtomicBoolean();
		Optional<JdbcAuthorizationRows.Previous> previous = this.transactions.execute((status) -> {
			Optional<JdbcAuthorizationRows.Previous> before = this.rows.update(stored, version);
			before.ifPresent((row) -> {
				String replaced = row.accessTokenHash();
				boolean cached = this.cache.written(stored, replaced);
				if (replaced != null && stored.accessToken() != null && !replaced.equals(stored.accessToken().hash())
						&& !row.accessTokenInvalidated()) {
					// A refresh replaced the access token: it stopped working here, so
					// gateways
					// must drop what they cached for it now, not when its JWT expires
					// (HD-02).
					this.revocations.record(List.of(replaced), sessionIds, "refreshed", cached);
					recorded.set(true);
				}
				if (accessToken != null && accessToken.isInvalidated() && !row.accessTokenInvalidated()
						&& stored.accessToken().hash().equals(replaced)) {
					// Revoked through the framework (revocation endpoint, code replay).
					this.revocations.record(List.of(replaced), sessionIds, "revoked", cached);
					recorded.set(true);
				}
			});
			return before;
		});
		if ((previous == null || previous.isEmpty()) && accessToken == null) {
			// Someone else changed this authorization since it was read, and this change
			// issues no token: a second answer to one waiting request (a consent form
			// sent twice, a device's approval and denial from two tabs). Refused; the
			// first answer stands. Revoking here took back the code the first answer
			// had just given, and the sign-in failed.
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "The request was already answered", null));
		}
		if (previous == null || previous.isEmpty()) {
			// Someone else changed this authorization since it was read: a concurrent
			// second use of a single-use artifact.
			this.revocations.revokeById(authorization.getId(), "concurrent_redemption");
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The grant was used concurrently and has been revoked", null));
		}
		if (recorded.get()) {
			this.revocations.announce("saved");
		}
	}

	/**
	 * Removes an authorization. One that only waits for its request to be carried on (a
	 * pushed authorization request, or a request waiting for consent), once used, is
	 * removed by the request that used it: if it is already gone, another request used it
	 * at the same moment, and this one is refused (RFC 9126 §4: a {@code request_uri} is
	 * used once). The framework reads it, issues a code, then removes it: two requests
	 * with one {@code request_uri} at once each got a code.
	 * @throws OAuth2AuthenticationException {@code invalid_request} when a waiting
	 * request was used by another request meanwhile
	 */
	@Override
	public void remove(OAuth2Authorization authorization) {
		boolean removed = this.rows.delete(authorization.getId());
		if (!removed && waitingRequest(authorization)) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
					"The authorization request was already used", null));
		}
		if (authorization.getAccessToken() != null) {
			// The row is gone for good: no version of it may come back into the cache.
			this.cache.invalidate(
					List.of(AuthorizationCodec.hashOf(authorization.getAccessToken().getToken().getTokenValue())));
		}
	}

	/** An authorization request waiting to be carried on: no code, no token yet. */
	private static boolean waitingRequest(OAuth2Authorization authorization) {
		return authorization.getAttribute(OAuth2AuthorizationRequest.class.getName()) != null
				&& authorization.getToken(OAuth2AuthorizationCode.class) == null
				&& authorization.getAccessToken() == null;
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return this.rows.findById(id).map((stored) -> decode(stored, null, null)).orElse(null);
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		if (token == null || token.isEmpty() || token.startsWith(AuthorizationCodec.PLACEHOLDER_PREFIX)) {
			return null;
		}
		String hash = TokenHash.of(token);
		TokenKind kind = (tokenType != null) ? TokenKind.of(tokenType) : null;
		if (tokenType != null && kind == null) {
			return null;
		}
		if (kind == null || kind == TokenKind.ACCESS_TOKEN) {
			CachedAccessTokens.Lookup cached = this.cache.lookup(hash);
			if (cached instanceof CachedAccessTokens.Lookup.Gone) {
				return null;
			}
			if (cached instanceof CachedAccessTokens.Lookup.Hit hit) {
				return decodeCached(hash, hit.row(), token);
			}
		}
		Optional<StoredAuthorization> stored = (kind != null) ? this.rows.findByHash(kind, hash)
				: this.rows.findByAnyHash(hash);
		if (stored.isEmpty()) {
			if (kind == TokenKind.REFRESH_TOKEN) {
				revokeOnRefreshTokenReuse(hash);
			}
			return null;
		}
		TokenKind matched = (kind != null) ? kind : matchedKind(stored.get(), hash);
		if (matched == TokenKind.ACCESS_TOKEN) {
			this.cache.put(stored.get());
		}
		return decode(stored.get(), token, matched);
	}

	private void revokeOnRefreshTokenReuse(String hash) {
		this.rows.grantOfRotatedRefreshToken(hash).ifPresent((authorizationId) -> {
			// RFC 9700 §4.14.2: a rotated-away refresh token came back, so either the
			// client
			// or an attacker holds a stolen copy; end the whole grant.
			logger.warn("Refresh token reuse detected; revoking authorization {}", authorizationId);
			this.revocations.revokeById(authorizationId, "refresh_token_reuse");
		});
	}

	private static TokenKind matchedKind(StoredAuthorization stored, String hash) {
		if (stored.accessToken() != null && hash.equals(stored.accessToken().hash())) {
			return TokenKind.ACCESS_TOKEN;
		}
		if (stored.refreshToken() != null && hash.equals(stored.refreshToken().hash())) {
			return TokenKind.REFRESH_TOKEN;
		}
		if (stored.code() != null && hash.equals(stored.code().hash())) {
			return TokenKind.CODE;
		}
		return TokenKind.ID_TOKEN;
	}

	/**
	 * A cached access token's authorization, decoded from its JSON only when this node
	 * has not decoded that very text for the same client before.
	 */
	private OAuth2Authorization decodeCached(String tokenHash, String row, String token) {
		OAuth2Authorization known = this.decoded.find(tokenHash, row, this.clients::findById);
		if (known != null) {
			return known;
		}
		StoredAuthorization stored = this.codec.fromJson(row);
		RegisteredClient client = this.clients.findById(stored.registeredClientId());
		if (client == null) {
			return null;
		}
		OAuth2Authorization authorization = this.codec.decode(stored, client, token, TokenKind.ACCESS_TOKEN);
		this.decoded.remember(tokenHash, row, client, authorization);
		return authorization;
	}

	private OAuth2Authorization decode(StoredAuthorization stored, String presentedValue, TokenKind presentedKind) {
		RegisteredClient client = this.clients.findById(stored.registeredClientId());
		if (client == null) {
			// The client was deleted or disabled: nothing it was granted works any more.
			return null;
		}
		return this.codec.decode(stored, client, presentedValue, presentedKind);
	}

}
