package dev.lanyard.jwt.spring;

import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.servlet.JwtSessionFilter;

/**
 * The library's servlet filter ({@link JwtSessionFilter}): every request needs a valid
 * internal JWT but {@code lanyard.jwt.public-paths}.
 *
 * <p>
 * Not registered when Spring Security's filter chain ({@code springSecurityFilterChain})
 * is in the service: there {@code dev.lanyard.jwt.security} makes the session Spring
 * Security's {@code Authentication} and the chain's rules decide. The condition is on the
 * chain itself, not on Spring Security's classes: a service that has them but switched
 * web security off keeps the filter, so one of the two always guards it.
 */
@AutoConfiguration(after = LanyardJwtAutoConfiguration.class, afterName = {
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "lanyard.jwt.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(Filter.class)
@ConditionalOnBean(JwtVerifier.class)
@ConditionalOnMissingBean(name = LanyardJwtServletAutoConfiguration.SPRING_SECURITY_FILTER_CHAIN)
public class LanyardJwtServletAutoConfiguration {

	/** The bean name of Spring Security's filter chain proxy. */
	static final String SPRING_SECURITY_FILTER_CHAIN = "springSecurityFilterChain";

	/**
	 * Order of the session filter: after Boot's character-encoding and observation
	 * filters.
	 */
	public static final int FILTER_ORDER = -110;

	@Bean
	@ConditionalOnMissingBean(name = "lanyardJwtSessionFilter")
	FilterRegistrationBean<JwtSessionFilter> lanyardJwtSessionFilter(JwtVerifier verifier,
			LanyardJwtProperties properties) {
		FilterRegistrationBean<JwtSessionFilter> registration = new FilterRegistrationBean<>(
				new JwtSessionFilter(verifier, properties.publicPaths()));
		registration.setName("lanyardJwtSessionFilter");
		registration.setOrder(FILTER_ORDER);
		registration.setUrlPatterns(List.of("/*"));
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

}
