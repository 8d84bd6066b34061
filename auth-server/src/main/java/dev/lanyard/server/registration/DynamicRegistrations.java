package dev.lanyard.server.registration;

import java.util.Map;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;

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
