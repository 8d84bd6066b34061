package dev.lanyard.server.exchange;

import org.springframework.security.authentication.AuthenticationProvider;

/**
 * Lanyard's token-exchange grant, for the token endpoint. The provider is held here
 * rather than being a bean itself: Spring Security gives a lone
 * {@code AuthenticationProvider} bean to the global {@code AuthenticationManager} too,
 * which then ignores the user store and warns about it at every start.
 *
 * @param provider the grant's authentication provider
 */
public record TokenExchangeGrant(AuthenticationProvider provider) {

}
