package dev.lanyard.server.client;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.ChangedMeanwhileException;
import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.NoSuchEntityException;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.token.OpaqueTokenValues;
import dev.lanyard.server.token.TokenHash;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Registers and changes OAuth clients: the one place their rules are applied, whoever
 * asks (bootstrap file, admin console, admin API).
 */
@Service
public class ClientService {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(ClientService.class);

	private final JdbcOAuthClientRepository clients;

	private final LanyardRegisteredClientRepository registeredClients;

	private final GrantRevocations authorizations;

	private final LanyardProperties properties;

	private final Clock clock;

	private final TaskScheduler scheduler;

	public ClientService(JdbcOAuthClientRepository clients, LanyardRegisteredClientRepository registeredClients,
			GrantRevocations authorizations, LanyardProperties properties, Clock clock, TaskScheduler scheduler) {
		this.scheduler = scheduler;
		this.clients = clients;
		this.registeredClients = registeredClients;
		this.authorizations = authorizations;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Registers a new client.
	 * @return the client and, for a confidential client, its secret in clear: shown once,
	 * stored only as a hash
	 * @throws InputRejectedException if a rule is broken
	 * @throws AlreadyExistsException if the client id is taken
	 */
	@Transactional
	public ClientWithSecret register(ClientRegistration registration) {
		requireValid(registration);
		if (this.clients.findByClientId(registration.clientId()).isPresent()) {
			throw new AlreadyExistsException("client_id", "A client with this client_id exists");
		}
		String secret = !usesSecret(registration) ? null
				: Optional.ofNullable(registration.clientSecret()).orElseGet(OpaqueTokenValues.CLIENT_SECRET::generate);
		Instant now = this.clock.instant();
		OAuthClient client = toClient(UUID.randomUUID().toString(), registration,
				(secret != null) ? TokenHash.of(secret) : null, now, true);
		try {
			this.clients.insert(client);
		}
		catch (DuplicateKeyException ex) {
			// Registered by someone else since the check above.
			throw new AlreadyExistsException("client_id", "A client with this client_id exists");
		}
		return new ClientWithSecret(client, secret);
	}

	/**
	 * Creates the client, or brings an existing one in line with the registration
	 * (bootstrap import: running it twice changes nothing, and writes nothing the second
	 * time).
	 */
	@Transactional
	public ImportOutcome importClient(ClientRegistration registration) {
		requireValid(registration);
		Optional<OAuthClient> existing = this.clients.findByClientIdForUpdate(registration.clientId());
		String secretHash = (registration.clientSecret() != null) ? TokenHash.of(registration.clientSecret()) : null;
		if (existing.isEmpty()) {
			OAuthClient client = toClient(UUID.randomUUID().toString(), registration, secretHash, this.clock.instant(),
					true);
			this.clients.insert(client);
			return ImportOutcome.CREATED;
		}
		OAuthClient current = existing.get();
		requireSameType(registration, current);
		OAuthClient client = toClient(current.id(), registration, secretHash, current.clientIdIssuedAt(), true);
		if (sameSettings(current, client)) {
			return ImportOutcome.UNCHANGED;
		}
		this.clients.update(client);
		changed(client);
		if (current.enabled() && !client.enabled()) {
			this.authorizations.revokeByClient(client.id(), "client_disabled");
		}
		endOwnGrantsIfCredentialsChanged(current, client);
		return ImportOutcome.UPDATED;
	}

	/**
	 * A client stays public or confidential, whichever way it is changed (console, API,
	 * RFC 7592, bootstrap file): a confidential client turned public would have its
	 * users' refresh tokens redeemed with its client id alone (a bootstrap entry whose
	 * secret was left out did that).
	 */
	private static void requireSameType(ClientRegistration registration, OAuthClient current) {
		if (registration.publicClient() != current.isPublic()) {
			throw new InputRejectedException("token_endpoint_auth_method", "client-type.unchangeable");
		}
	}

	/** Equal but for the creation and update times, which an import does not set. */
	private static boolean sameSettings(OAuthClient stored, OAuthClient imported) {
		return imported.equals(stored.withTimes(imported.createdAt(), imported.updatedAt()));
	}

	private static boolean usesSecret(ClientRegistration registration) {
		String method = registration.effectiveTokenEndpointAuthMethod();
		return OAuthClient.AUTH_CLIENT_SECRET_BASIC.equals(method)
				|| OAuthClient.AUTH_CLIENT_SECRET_POST.equals(method);
	}

	/**
	 * Changes a client: everything but its id and secret. Disabling it revokes every
	 * grant it holds. A client that moves to {@code private_key_jwt} loses its secret at
	 * once; one that moves from it to a secret method has none until one is generated
	 * ({@link #regenerateSecret}). A change that names no authentication method keeps the
	 * client's type, method and keys; one that does not say whether it is enabled keeps
	 * that too.
	 * @throws NoSuchEntityException if there is no such client
	 * @throws InputRejectedException if a rule is broken
	 */
	@Transactional
	public OAuthClient update(String clientId, ClientRegistration change) {
		return update(clientId, change, null);
	}

	/**
	 * Changes a client made from the version of it last changed at {@code seenAt} (the
	 * console's form), as {@link #update(String, ClientRegistration)} does.
	 * @throws ChangedMeanwhileException if the client changed since (nothing changed)
	 */
	@Transactional
	public OAuthClient update(String clientId, ClientRegistration change, Instant seenAt) {
		OAuthClient current = this.clients.findByClientIdForUpdate(clientId)
			.orElseThrow(() -> new NoSuchEntityException("Client"));
		if (seenAt != null && !seenAt.equals(current.updatedAt())) {
			throw new ChangedMeanwhileException("The client changed since it was shown");
		}
		ClientRegistration registration = change.keepingAuthenticationOf(current);
		requireSameType(registration, current);
		requireValid(registration);
		OAuthClient updated = toClient(current.id(), registration,
				usesSecret(registration) ? current.clientSecretHash() : null, current.clientIdIssuedAt(),
				current.enabled());
		this.clients.update(updated);
		changed(updated);
		if (current.enabled() && !updated.enabled()) {
			this.authorizations.revokeByClient(current.id(), "client_disabled");
		}
		endOwnGrantsIfCredentialsChanged(current, updated);
		return updated;
	}

	/**
	 * Replaces a confidential client's secret with a new server-generated one; the old
	 * one stops working at once.
	 * @return the client and the new secret in clear, shown once
	 */
	@Transactional
	public ClientWithSecret regenerateSecret(String clientId) {
		OAuthClient current = this.clients.findByClientIdForUpdate(clientId)
			.orElseThrow(() -> new NoSuchEntityException("Client"));
		if (current.isPublic()) {
			throw new InputRejectedException("client_secret", "client-secret.public");
		}
		if (!current.usesSecret()) {
			throw new InputRejectedException("client_secret", "client-secret.private-key-jwt");
		}
		String secret = OpaqueTokenValues.CLIENT_SECRET.generate();
		OAuthClient updated = current.withSecretHash(TokenHash.of(secret), this.clock.instant());
		this.clients.update(updated);
		changed(updated);
		endOwnGrantsIfCredentialsChanged(current, updated);
		return new ClientWithSecret(updated, secret);
	}

	/**
	 * A client whose secret, keys or way of authenticating changed (the answer to a
	 * leaked credential) loses the grants it holds as itself (client credentials, and
	 * exchanges of those tokens: every grant whose principal is the client), so tokens
	 * obtained with the old credential stop working at once. Its users' grants stay:
	 * their refresh needs the new credential anyway.
	 */
	private void endOwnGrantsIfCredentialsChanged(OAuthClient before, OAuthClient after) {
		if (!Objects.equals(before.clientSecretHash(), after.clientSecretHash())
				|| !Objects.equals(before.tokenEndpointAuthMethod(), after.tokenEndpointAuthMethod())
				|| !Objects.equals(before.jwks(), after.jwks()) || !Objects.equals(before.jwksUri(), after.jwksUri())) {
			this.authorizations.revokeByPrincipal(after.clientId(), "client_credentials_changed");
			// A node whose copy of the client is up to a second old may have checked the
			// old credentials just before this commits (a grant is written only while
			// its client has the credentials it authenticated with, read without a lock)
			// and commit its grant after the revocation above read the table: once more,
			// once every such grant has committed. Lost if this node stops meanwhile.
			String clientId = after.clientId();
			afterCommit(() -> this.scheduler.schedule(() -> revokeAgain(clientId),
					this.scheduler.getClock()
						.instant()
						.plus(LanyardRegisteredClientRepository.CACHE_TTL)
						.plusSeconds(2)));
		}
	}

	private void revokeAgain(String clientId) {
		try {
			this.authorizations.revokeByPrincipal(clientId, "client_credentials_changed");
		}
		catch (RuntimeException ex) {
			logger.warn("Could not revoke again the grants client {} holds as itself after its credentials changed: {}",
					clientId, ex.getMessage());
		}
	}

	/**
	 * A client changed: this node forgets its copy now and again once the change is
	 * committed (a request in between would read and keep the row as it was).
	 */
	private void changed(OAuthClient client) {
		this.registeredClients.evict(client);
		afterCommit(() -> this.registeredClients.evict(client));
	}

	private static void afterCommit(Runnable work) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			work.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				work.run();
			}

		});
	}

	/** Deletes a client; every grant it held is revoked first, so gateways are told. */
	@Transactional
	public void delete(String clientId) {
		OAuthClient current = this.clients.findByClientIdForUpdate(clientId)
			.orElseThrow(() -> new NoSuchEntityException("Client"));
		this.authorizations.revokeByClient(current.id(), "client_deleted");
		this.clients.delete(current.id());
		changed(current);
	}

	/** Clients whose id or name contains the text, a page at a time. */
	public List<OAuthClient> search(String text, int limit, long offset) {
		return this.clients.search(text, limit, offset);
	}

	public long countMatching(String text) {
		return this.clients.countMatching(text);
	}

	public long count() {
		return this.clients.count();
	}

	public Optional<OAuthClient> findByClientId(String clientId) {
		return this.clients.findByClientId(clientId);
	}

	public List<OAuthClient> findAll() {
		return this.clients.findAll();
	}

	private void requireValid(ClientRegistration registration) {
		List<InputRejectedException.Problem> errors = new ArrayList<>(ClientValidator.validate(registration));
		if (registration.clientSecret() != null && !this.properties.issuerOnThisMachine()
				&& LanyardProperties.PUBLISHED_EXAMPLE_SECRETS.contains(registration.clientSecret())) {
			// As in the bootstrap file: a secret from Lanyard's examples is public, and
			// protects nothing once the issuer is reachable from other machines.
			errors.add(new InputRejectedException.Problem("client_secret", "client-secret.published-example"));
		}
		if (!errors.isEmpty()) {
			throw new InputRejectedException(errors);
		}
	}

	/**
	 * @param enabledIfUnsaid whether the client works when the registration does not say
	 * (a change keeps the client's state: a PUT that leaves {@code enabled} out must not
	 * bring a disabled client back)
	 */
	private OAuthClient toClient(String id, ClientRegistration registration, String secretHash, Instant issuedAt,
			boolean enabledIfUnsaid) {
		LanyardProperties.Tokens defaults = this.properties.tokens();
		boolean publicClient = registration.publicClient();
		return new OAuthClient(id, registration.clientId(),
				(registration.clientName() != null && !registration.clientName().isBlank()) ? registration.clientName()
						: registration.clientId(),
				registration.logoUri(), secretHash, issuedAt, registration.effectiveTokenEndpointAuthMethod(),
				(registration.jwks() != null) ? ClientKeys.normalized(registration.jwks()) : null,
				registration.jwksUri(), registration.redirectUris(), registration.postLogoutRedirectUris(),
				registration.grantTypes(), registration.scopes(),
				publicClient || !Boolean.FALSE.equals(registration.requirePkce()),
				Boolean.TRUE.equals(registration.requireConsent()),
				Optional.ofNullable(registration.accessTokenTtl()).orElse(defaults.accessToken()),
				Optional.ofNullable(registration.refreshTokenIdle()).orElse(defaults.refreshTokenIdle()),
				Optional.ofNullable(registration.refreshTokenMax()).orElse(defaults.refreshTokenMax()),
				registration.exchangeAudiences(), Boolean.TRUE.equals(registration.introspectionAllowed()),
				Boolean.TRUE.equals(registration.requirePushedAuthorizationRequests()),
				Boolean.TRUE.equals(registration.dpopBoundAccessTokens()),
				Boolean.TRUE.equals(registration.requireMfa()), registration.backchannelLogoutUri(),
				Boolean.TRUE.equals(registration.backchannelLogoutSessionRequired()),
				(registration.enabled() != null) ? registration.enabled() : enabledIfUnsaid, issuedAt, issuedAt);
	}

	/**
	 * A client with its secret in clear, as returned once at registration.
	 *
	 * @param client the stored client
	 * @param clientSecret the secret; {@code null} for a public client
	 */
	public record ClientWithSecret(OAuthClient client, String clientSecret) {

		@Override
		public String toString() {
			return "ClientWithSecret[" + this.client + ", clientSecret=" + ((this.clientSecret != null) ? "***" : null)
					+ "]";
		}

	}

}
