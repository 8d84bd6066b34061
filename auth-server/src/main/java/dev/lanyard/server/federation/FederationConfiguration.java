package dev.lanyard.server.federation;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.key.SigningKeyService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Sign-in at upstream identity providers. */
@Configuration(proxyBeanMethods = false)
class FederationConfiguration {

	@Bean
	UpstreamRegistrations upstreamRegistrations(IdentityProviders providers, LanyardProperties properties,
			SigningKeyService keys) {
		return new UpstreamRegistrations(providers, properties.issuerString(), keys::activeSigningKey);
	}

}
