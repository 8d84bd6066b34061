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
 * internal JWT but {@code lanyard.jwt.public-paths}, before any framework sees it.
 *
 * <p>
 * It stays in place when the service uses Spring Security too (there
 * {@code dev.lanyard.jwt.security} also makes the session the {@code Authentication},
 * from the claims this filter verified): a chain of the service's own that permits more
 * than it should ({@code permitAll()}, a {@code securityMatcher} that leaves paths out,
 * {@code WebSecurityCustomizer.ignoring()}) then still lets no request without a token
 * through. A service whose Spring Security rules alone should decide, e.g. one that also
 * signs browsers in, sets {@code lanyard.jwt.servlet-filter=false}.
 */
@AutoConfiguration(after = LanyardJwtAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "lanyard.jwt.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lanyard.jwt.servlet-filter", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(Filter.class)
@ConditionalOnBean(JwtVerifier.class)
public class LanyardJwtServletAutoConfiguration {

	/**
	 * Order of the session filter: after Boot's character-encoding and observation
	 * filters, before Spring Security's filter chain (-100).
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
