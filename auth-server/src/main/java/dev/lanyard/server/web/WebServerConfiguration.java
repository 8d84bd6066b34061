package dev.lanyard.server.web;

import dev.lanyard.server.LanyardProperties;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * What every request meets before any of Lanyard's filter chains: the issuer as the one
 * origin absolute URLs are built from ({@link IssuerOriginFilter}).
 */
@Configuration(proxyBeanMethods = false)
class WebServerConfiguration {

	@Bean
	FilterRegistrationBean<IssuerOriginFilter> issuerOriginFilter(LanyardProperties properties) {
		FilterRegistrationBean<IssuerOriginFilter> registration = new FilterRegistrationBean<>(
				new IssuerOriginFilter(properties.issuer()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
