package dev.lanyard.server.client;

import java.util.Set;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.token.ClientTokenSettings;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.stereotype.Component;

/**
 * Presents Lanyard's clients to the framework as {@link RegisteredClient}s. A disabled
 * client is not found, so it can neither authenticate nor use tokens issued before.
 */
@Component
public class LanyardRegisteredClientRepository implements RegisteredClientRepository {

	/** Client setting holding the audiences a client may exchange tokens for. */
	public static final String EXCHANGE_AUDIENCES = "lanyard.exchange-audiences";

	private final JdbcOAuthClientRepository clients;

	private final LanyardProperties properties;

	public LanyardRegisteredClientRepository(JdbcOAuthClientRepository clients, LanyardProperties properties) {
		this.clients = clients;
		this.properties = properties;
	}

	@Override
	public void save(RegisteredClient registeredClient) {
		throw new IllegalStateException("Clients are changed through ClientService, not the framework");
	}

	@Override
	public RegisteredClient findById(String id) {
		return this.clients.findById(id).filter(OAuthClient::enabled).map(this::toRegisteredClient).orElse(null);
	}

	@Override
	public RegisteredClient findByClientId(String clientId) {
		return this.clients.findByClientId(clientId)
			.filter(OAuthClient::enabled)
			.map(this::toRegisteredClient)
			.orElse(null);
	}

	private RegisteredClient toRegisteredClient(OAuthClient client) {
		RegisteredClient.Builder builder = RegisteredClient.withId(client.id())
			.clientId(client.clientId())
			.clientIdIssuedAt(client.clientIdIssuedAt())
			.clientName(client.clientName())
			.clientSecret(client.clientSecretHash())
			.redirectUris((uris) -> uris.addAll(client.redirectUris()))
			.postLogoutRedirectUris((uris) -> uris.addAll(client.postLogoutRedirectUris()))
			.scopes((scopes) -> scopes.addAll(client.scopes()))
			.authorizationGrantTypes((grants) -> client.grantTypes()
				.forEach((grant) -> grants.add(new AuthorizationGrantType(grant))))
			.clientSettings(ClientSettings.builder()
				.requireProofKey(client.isPublic() || client.requirePkce())
				.requireAuthorizationConsent(client.requireConsent())
				.setting(EXCHANGE_AUDIENCES, Set.copyOf(client.exchangeAudiences()))
				.build())
			.tokenSettings(ClientTokenSettings.of(client.accessTokenTtl(), client.refreshTokenIdle(),
					client.refreshTokenMax(), this.properties.tokens().authorizationCode()));
		if (client.isPublic()) {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		else {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		}
		return builder.build();
	}

}
