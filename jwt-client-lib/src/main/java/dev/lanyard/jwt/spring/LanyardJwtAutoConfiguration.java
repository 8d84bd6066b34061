package dev.lanyard.jwt.spring;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
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

	/**
	 * A reactive (WebFlux) application: the library's filter and Spring Security support
	 * are servlet-only, so nothing would check a token and every route would answer
	 * anyone. The start stops, unless the service says it checks tokens itself
	 * ({@code lanyard.jwt.servlet-filter=false}, using the {@link JwtVerifier} bean).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnBooleanProperty(name = "lanyard.jwt.servlet-filter", matchIfMissing = true)
	static class ReactiveApplicationRefused {

		ReactiveApplicationRefused() {
			throw new IllegalStateException("jwt-client-lib checks tokens in servlet applications only, and this "
					+ "one is reactive (WebFlux): no request would be checked. Check tokens with the JwtVerifier "
					+ "bean in a WebFilter of your own and set lanyard.jwt.servlet-filter=false, or run on "
					+ "Spring MVC.");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class, HttpClientSettings.class })
	static class RestClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SessionPropagationInterceptor lanyardSessionPropagationInterceptor(LanyardJwtProperties properties) {
			return new SessionPropagationInterceptor(properties.propagation().allowedHosts());
		}

		/**
		 * Adds the interceptor and, while any host may receive the token, has the
		 * builder's clients not follow redirects: a redirect is followed below the
		 * interceptor, which sees only the first address, and the JDK client copies the
		 * {@code Authorization} header to wherever a {@code Location} points (another
		 * host, or a third party behind an open redirect of an allowed one). The request
		 * factory is Boot's, with the application's HTTP client settings (timeouts, SSL),
		 * redirects aside.
		 */
		@Bean
		RestClientCustomizer lanyardSessionPropagationCustomizer(SessionPropagationInterceptor interceptor,
				LanyardJwtProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factoryBuilder,
				ObjectProvider<HttpClientSettings> settings) {
			boolean propagates = !properties.propagation().allowedHosts().isEmpty();
			return builder -> {
				if (propagates) {
					builder.requestFactory(factoryBuilder.getIfAvailable(ClientHttpRequestFactoryBuilder::detect)
						.build(settings.getIfAvailable(HttpClientSettings::defaults)
							.withRedirects(HttpRedirects.DONT_FOLLOW)));
				}
				builder.requestInterceptor(interceptor);
			};
		}

	}

}
