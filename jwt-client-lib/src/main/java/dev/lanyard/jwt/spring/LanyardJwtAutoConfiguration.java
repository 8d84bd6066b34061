package dev.lanyard.jwt.spring;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.lanyard.jwt.JwtVerifier;

/**
 * Spring Boot auto-configuration of the Lanyard JWT client library: with
 * {@code lanyard.jwt.issuer} set, every servlet request needs a valid internal JWT,
 * controllers can take a {@link dev.lanyard.jwt.SessionClaims} argument, and
 * {@code RestClient}s built from Boot's builder forward the token to allow-listed hosts.
 *
 * <p>
 * Each part activates only when its optional dependency is on the classpath: Servlet API
 * (filter), Spring MVC (argument resolver), {@code spring-boot-restclient} (propagation).
 * The servlet filter is {@link LanyardJwtServletAutoConfiguration}'s; with Spring
 * Security, its filter chain checks the tokens instead
 * ({@code dev.lanyard.jwt.security}). Set {@code lanyard.jwt.enabled=false} to switch
 * everything off. Declaring your own {@link JwtVerifier} bean replaces the one built from
 * the properties.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "lanyard.jwt.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LanyardJwtProperties.class)
public class LanyardJwtAutoConfiguration {

	/**
	 * The verifier built from {@code lanyard.jwt.*}.
	 * @param properties the bound properties
	 * @return the verifier
	 */
	@Bean
	@ConditionalOnMissingBean
	public JwtVerifier lanyardJwtVerifier(LanyardJwtProperties properties) {
		return properties.toVerifier();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(WebMvcConfigurer.class)
	static class WebMvcConfiguration {

		@Bean
		WebMvcConfigurer lanyardSessionClaimsWebMvcConfigurer() {
			return new WebMvcConfigurer() {
				@Override
				public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
					resolvers.add(new SessionClaimsArgumentResolver());
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
	static class RestClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SessionPropagationInterceptor lanyardSessionPropagationInterceptor(LanyardJwtProperties properties) {
			return new SessionPropagationInterceptor(properties.propagation().allowedHosts());
		}

		@Bean
		RestClientCustomizer lanyardSessionPropagationCustomizer(SessionPropagationInterceptor interceptor) {
			return builder -> builder.requestInterceptor(interceptor);
		}

	}

}
