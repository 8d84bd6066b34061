package dev.lanyard.server.registration;

import java.util.Map;
import java.util.function.Function;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.OAuthClient;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers a client with an initial access token in one transaction: the token's use,
 * the client and its registration access token are written together or not at all.
 */
@Service
class DynamicRegistrations {

	private final RegistrationTokens tokens;

	private final ClientService clients;

	private final AuditLog audit;

	DynamicRegistrations(RegistrationTokens tokens, ClientService clients, AuditLog audit) {
		this.tokens = tokens;
		this.clients = clients;
		this.audit = audit;
	}

	/**
	 * @return the client with its secret and registration access token, or {@code null}
	 * when the initial access token is no longer good (used up meanwhile)
	 */
	@Transactional
	Registered register(String initialToken, ClientRegistration registration, String address) {
		String tokenId = this.tokens.use(initialToken).orElse(null);
		if (tokenId == null) {
			return null;
		}
		ClientService.ClientWithSecret created = this.clients.register(registration);
		String accessToken = this.tokens.issueAccessToken(created.client().clientId());
		this.audit.record("registration-token:" + tokenId, "client.registered", "client:" + created.client().clientId(),
				address, Map.of("token_endpoint_auth_method", created.client().tokenEndpointAuthMethod(), "grant_types",
						created.client().grantTypes()));
		return new Registered(created, accessToken);
	}

	/**
	 * RFC 7592 §2.1: the client, for the holder of its registration access token, with a
	 * new one (the old one is used up).
	 * @return {@code null} when the token is not the client's or the client is disabled
	 */
	@Transactional
	Managed read(String clientId, String accessToken) {
		String next = this.tokens.replaceAccessToken(clientId, accessToken).orElse(null);
		if (next == null) {
			return null;
		}
		return new Managed(this.clients.findByClientId(clientId).orElseThrow(), next);
	}

	/**
	 * RFC 7592 §2.2: the client changed by its own registration, in one transaction with
	 * its token's use: the client's row is locked from the token's use on, so the
	 * registration is made from the client as it is, and an administrator's change
	 * (disabling it, requiring a second factor) lands either before it, and is kept, or
	 * after it. A rule broken ({@code change} throws) uses nothing up.
	 * @param change the new registration, made from the client as it is
	 * @return {@code null} when the token is not the client's or the client is disabled
	 */
	@Transactional
	Managed update(String clientId, String accessToken, Function<OAuthClient, ClientRegistration> change,
			String address) {
		String next = this.tokens.replaceAccessToken(clientId, accessToken).orElse(null);
		if (next == null) {
			return null;
		}
		OAuthClient current = this.clients.findByClientId(clientId).orElseThrow();
		OAuthClient updated = this.clients.update(clientId, change.apply(current));
		this.audit.record("client:" + clientId, "client.updated", "client:" + clientId, address,
				Map.of("token_endpoint_auth_method", updated.tokenEndpointAuthMethod(), "dynamic", true, "changed",
						updated.settingsChangedSince(current)));
		return new Managed(updated, next);
	}

	/**
	 * RFC 7592 §2.3: the client and every grant it holds go.
	 * @return whether the token was the client's (and the client enabled)
	 */
	@Transactional
	boolean delete(String clientId, String accessToken, String address) {
		if (this.tokens.replaceAccessToken(clientId, accessToken).isEmpty()) {
			return false;
		}
		this.clients.delete(clientId);
		this.audit.record("client:" + clientId, "client.deleted", "client:" + clientId, address,
				Map.of("dynamic", true));
		return true;
	}

	/**
	 * A client as its registration's holder sees it, and its new registration access
	 * token (shown once).
	 */
	record Managed(OAuthClient client, String accessToken) {

		@Override
		public String toString() {
			return "Managed[" + this.client.clientId() + "]";
		}

	}

	/**
	 * A client just registered.
	 *
	 * @param client the client and its secret (shown once)
	 * @param accessToken its registration access token (shown once)
	 */
	record Registered(ClientService.ClientWithSecret client, String accessToken) {

		@Override
		public String toString() {
			return "Registered[" + this.client + "]";
		}

	}

}
