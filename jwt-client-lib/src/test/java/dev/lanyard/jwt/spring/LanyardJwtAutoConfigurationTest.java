package dev.lanyard.jwt.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.security.LanyardJwtAuthenticationProvider;
import dev.lanyard.jwt.security.LanyardJwtSecurityAutoConfiguration;
import dev.lanyard.jwt.servlet.JwtSessionFilter;

/** Which beans the auto-configuration contributes, and when it refuses to start. */
class LanyardJwtAutoConfigurationTest {

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(LanyardJwtAutoConfiguration.class, LanyardJwtServletAutoConfiguration.class));

	@Test
	void contextWhenIssuerSetThenVerifierFilterResolverAndPropagation() {
		this.web.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000", "lanyard.jwt.audience=orders")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JwtVerifier.class).issuer()).isEqualTo("http://localhost:9000");
				assertThat(context.getBean(JwtVerifier.class).audience()).isEqualTo("orders");
				FilterRegistrationBean<?> filter = context.getBean("lanyardJwtSessionFilter",
						FilterRegistrationBean.class);
				assertThat(filter.getFilter()).isInstanceOf(JwtSessionFilter.class);
				assertThat(filter.getOrder()).isEqualTo(LanyardJwtServletAutoConfiguration.FILTER_ORDER);
				assertThat(context).hasSingleBean(WebMvcConfigurer.class);
				assertThat(context).hasSingleBean(SessionPropagationInterceptor.class);
				assertThat(context).hasSingleBean(RestClientCustomizer.class);
			});
	}

	/**
	 * A WebFlux service would start with nothing checking tokens: it does not start,
	 * unless it says it checks them itself.
	 */
	@Test
	void contextWhenReactiveThenFailsUnlessTheServiceChecksTokensItself() {
		ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LanyardJwtAutoConfiguration.class, LanyardJwtServletAutoConfiguration.class))
			.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000");
		reactive.run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reactive")
				.hasMessageContaining("lanyard.jwt.servlet-filter=false");
		});
		reactive.withPropertyValues("lanyard.jwt.servlet-filter=false").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(JwtVerifier.class);
		});
	}

	@Test
	void contextWhenIssuerMissingThenFailsSayingWhatToSet() {
		this.web.run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("Set lanyard.jwt.issuer");
		});
	}

	@Test
	void contextWhenDisabledThenNothingContributedAndNoIssuerNeeded() {
		this.web.withPropertyValues("lanyard.jwt.enabled=false").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(JwtVerifier.class);
			assertThat(context).doesNotHaveBean("lanyardJwtSessionFilter");
			assertThat(context).doesNotHaveBean(SessionPropagationInterceptor.class);
		});
	}

	@Test
	void contextWhenSkewAboveSixtySecondsThenFailsNamingTheSetting() {
		this.web.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000", "lanyard.jwt.clock-skew=90s")
			.run(context -> assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("clockSkew"));
	}

	@Test
	void contextWhenNotAWebApplicationThenVerifierButNoFilter() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LanyardJwtAutoConfiguration.class))
			.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000")
			.run(context -> {
				assertThat(context).hasSingleBean(JwtVerifier.class);
				assertThat(context).doesNotHaveBean("lanyardJwtSessionFilter");
				assertThat(context).doesNotHaveBean(WebMvcConfigurer.class);
			});
	}

	@Test
	void contextWhenOptionalLibrariesAbsentThenTheirPartsStayOff() {
		this.web.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000")
			.withClassLoader(new FilteredClassLoader(RestClientCustomizer.class))
			.run(context -> {
				assertThat(context).hasSingleBean(JwtVerifier.class);
				assertThat(context).doesNotHaveBean(SessionPropagationInterceptor.class);
			});
		this.web.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000")
			.withClassLoader(new FilteredClassLoader(WebMvcConfigurer.class))
			.run(context -> assertThat(context).doesNotHaveBean(WebMvcConfigurer.class));
	}

	@Test
	void contextWhenSpringSecurityActiveThenItsChainAuthenticatesBehindTheFilter() {
		this.web
			.withConfiguration(
					AutoConfigurations.of(LanyardJwtSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
							ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class))
			.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean("lanyardJwtHttpSecurityCustomizer");
				// The library's stateless chain replaces Boot's form and basic login...
				assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("lanyardJwtSecurityFilterChain");
				// ...and no generated-password user is created.
				assertThat(context).hasSingleBean(LanyardJwtAuthenticationProvider.class);
				assertThat(context).doesNotHaveBean(UserDetailsService.class);
				// The library's filter stays in front of whatever the chains permit.
				assertThat(context).hasBean("lanyardJwtSessionFilter");
			});
		this.web
			.withConfiguration(
					AutoConfigurations.of(LanyardJwtSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
							ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class))
			.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000", "lanyard.jwt.servlet-filter=false")
			.run(context -> assertThat(context).doesNotHaveBean("lanyardJwtSessionFilter"));
	}

	@Test
	void contextWhenSpringSecurityPresentButWebSecurityOffThenTheFilterStillGuards() {
		// Spring Security's classes, but no filter chain (its auto-configuration
		// excluded):
		// the servlet filter must not step aside.
		this.web.withConfiguration(AutoConfigurations.of(LanyardJwtSecurityAutoConfiguration.class))
			.withPropertyValues("lanyard.jwt.issuer=http://localhost:9000")
			.run(context -> {
				assertThat(context).doesNotHaveBean("springSecurityFilterChain");
				assertThat(context).hasBean("lanyardJwtSessionFilter");
			});
	}

	@Test
	void contextWhenUserDefinesVerifierThenItIsUsed() {
		this.web.withUserConfiguration(OwnVerifier.class).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JwtVerifier.class).issuer()).isEqualTo("http://own:9000");
		});
	}

	@Test
	void propertiesWhenUnsetThenDefaultsAreTheVerifierConstants() {
		LanyardJwtProperties properties = new LanyardJwtProperties(null, "http://localhost:9000", null, null, null,
				null, null, null, null, null, null, null, null);
		assertThat(properties.audience()).isEqualTo(JwtVerifier.DEFAULT_AUDIENCE);
		assertThat(properties.clockSkew()).isEqualTo(JwtVerifier.DEFAULT_CLOCK_SKEW).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.algorithms()).isEqualTo(List.of("RS256", "ES256"));
		assertThat(properties.jwks().cacheTtl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.verifiedTokenCacheSize()).isEqualTo(JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE);
		assertThat(properties.jwks().refetchInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.propagation().allowedHosts()).isEmpty();
		assertThat(properties.publicPaths()).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnVerifier {

		@Bean
		JwtVerifier ownVerifier() {
			return JwtVerifier.builder().issuer("http://own:9000").build();
		}

	}

}
