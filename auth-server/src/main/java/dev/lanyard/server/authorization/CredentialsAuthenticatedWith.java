package dev.lanyard.server.authorization;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * The credentials a client authenticated with for a grant it holds as itself (client
 * credentials), as the node that authenticated it knew them: its copy of the client may
 * be up to a second old ({@link LanyardRegisteredClientRepository}). The grant's row is
 * written only while the client's stored credentials are still these
 * ({@link JdbcAuthorizationRows}), so a token asked for on another node with a secret
 * regenerated (or keys replaced) a moment before is refused: the change revoked the
 * client's own grants in its transaction, and one written after it with the old secret
 * lived to its expiry.
 *
 * @param registeredClientId the client's id
 * @param secretHash its secret's hash, or {@code null}
 * @param method how it authenticates
 * @param jwks its inline key set, or {@code null}
 * @param jwksUri where it publishes its keys, or {@code null}
 */
record CredentialsAuthenticatedWith(String registeredClientId, String secretHash, String method, String jwks,
		String jwksUri) {

	/**
	 * The credentials the request being answered authenticated its client with, for a new
	 * client-credentials grant of that client; {@code null} for any other grant, or
	 * outside a token request.
	 */
	static CredentialsAuthenticatedWith of(OAuth2Authorization authorization) {
		if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())) {
			return null;
		}
		// The framework's client authentication filter put it there for this request.
		Authentication authenticated = SecurityContextHolder.getContext().getAuthentication();
		if (!(authenticated instanceof OAuth2ClientAuthenticationToken client) || client.getRegisteredClient() == null
				|| !client.getRegisteredClient().getId().equals(authorization.getRegisteredClientId())) {
			return null;
		}
		RegisteredClient registered = client.getRegisteredClient();
		return new CredentialsAuthenticatedWith(registered.getId(), registered.getClientSecret(),
				registered.getClientAuthenticationMethods()
					.stream()
					.findFirst()
					.map(ClientAuthenticationMethod::getValue)
					.orElse(null),
				registered.getClientSettings().getSetting(LanyardRegisteredClientRepository.JWKS),
				registered.getClientSettings().getJwkSetUrl());
	}

	@Override
	public String toString() {
		return "CredentialsAuthenticatedWith[" + this.registeredClientId + "]";
	}

}
