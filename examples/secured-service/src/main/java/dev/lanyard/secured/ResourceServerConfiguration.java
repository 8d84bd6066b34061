package dev.lanyard.secured;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;

import java.util.ArrayList;
import java.util.Collection;

/**
 * Spring's own resource server, configured for Lanyard's internal JWTs, for teams that
 * would rather not add the Lanyard library (run with {@code lanyard.jwt.enabled=false} if
 * the library is on the classpath, as here):
 *
 * <ul>
 * <li>{@code typ} is {@code at+jwt} (RFC 9068 §4): Spring's default accepts only
 * {@code JWT} and would refuse every Lanyard token ("the given typ value needs to be one
 * of [JWT]"); {@link JwtValidators#createAtJwtValidator()} checks {@code at+jwt},
 * {@code iss}, {@code aud}, {@code exp}, {@code nbf} and the claims RFC 9068
 * requires;</li>
 * <li>the audience is the one the gateway asks for ({@code internal} by default);</li>
 * <li>authorities: {@code roles} as {@code ROLE_}, scopes as {@code SCOPE_}, the same
 * names the library gives.</li>
 * </ul>
 * What this does not check that the library does: that {@code aud} holds a single
 * audience, the header deny-list ({@code jku}, {@code x5u}, {@code jwk}, {@code crit}),
 * the longest token lifetime, and duplicate JSON members.
 */
@Configuration(proxyBeanMethods = false)
@Profile("resource-server")
class ResourceServerConfiguration {

	@Bean
	JwtDecoder jwtDecoder(@Value("${lanyard.jwt.issuer}") String issuer,
			@Value("${lanyard.jwt.audience:internal}") String audience) {
		// The JWKS URL, not withIssuerLocation(issuer): that one reads the discovery
		// document
		// at start-up, so the service could not start while Lanyard is down. Keys are
		// fetched on first use. validateType(false): the at+jwt check below replaces
		// nimbus's JWT-only one.
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer + "/oauth2/jwks").validateType(false).build();
		decoder.setJwtValidator(JwtValidators.createAtJwtValidator()
			.issuer(issuer)
			.audience(audience)
			// Any client's users may call this service: the claim must be there,
			// whichever
			// client it names (RFC 9068 §2.2 requires it).
			.validators((validators) -> validators.put(OAuth2TokenIntrospectionClaimNames.CLIENT_ID,
					new JwtClaimValidator<String>(OAuth2TokenIntrospectionClaimNames.CLIENT_ID,
							(clientId) -> clientId != null)))
			.build());
		return decoder;
	}

	@Bean
	SecurityFilterChain api(HttpSecurity http) {
		http.authorizeHttpRequests(
				(requests) -> requests.requestMatchers("/public/**").permitAll().anyRequest().authenticated());
		http.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtAuthenticationConverter(rolesAndScopes())));
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/** {@code roles} → {@code ROLE_admin}, {@code scope} → {@code SCOPE_orders:read}. */
	private static Converter<Jwt, AbstractAuthenticationToken> rolesAndScopes() {
		JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
		roles.setAuthoritiesClaimName("roles");
		roles.setAuthorityPrefix("ROLE_");
		JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter((jwt) -> {
			Collection<GrantedAuthority> authorities = new ArrayList<>(roles.convert(jwt));
			authorities.addAll(scopes.convert(jwt));
			return authorities;
		});
		return converter;
	}

}
