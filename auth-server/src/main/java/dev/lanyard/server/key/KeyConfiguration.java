package dev.lanyard.server.key;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.lanyard.server.LanyardProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Wires the signing keys into the framework: the JWKS endpoint and the JWT encoder. */
@Configuration(proxyBeanMethods = false)
class KeyConfiguration {

	@Bean
	MasterKey masterKey(LanyardProperties properties, Environment environment) {
		boolean externalDatabase = !environment.getProperty("spring.datasource.url", "").isBlank();
		return MasterKey.resolve(properties.masterKey(), properties.dataDirectory(), externalDatabase);
	}

	/** What {@code /oauth2/jwks} publishes: public keys only. */
	@Bean
	JWKSource<SecurityContext> jwkSource(SigningKeyService keys) {
		return (selector, context) -> selector.select(keys.publishedKeys());
	}

	/** Signs with the active key alone, so rotation never leaves two candidates. */
	@Bean
	JwtEncoder jwtEncoder(SigningKeyService keys) {
		return new NimbusJwtEncoder((selector, context) -> selector.select(new JWKSet(keys.activeSigningKey())));
	}

}
