package dev.lanyard.server.web;

import java.util.Set;

import dev.lanyard.server.LanyardProperties;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.session.StandardManager;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * What every request meets before any of Lanyard's filter chains: the issuer as the one
 * origin absolute URLs are built from ({@link IssuerOriginFilter}), and the container's
 * own error answers ({@link SecureErrorReportValve}).
 */
@Configuration(proxyBeanMethods = false)
class WebServerConfiguration {

	/**
	 * The container's own error answers carry Lanyard's headers and no server details.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> secureErrorReports() {
		return (factory) -> factory.addContextCustomizers((context) -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(SecureErrorReportValve.class.getName());
				host.getPipeline().addValve(new SecureErrorReportValve());
			}
		});
	}

	/**
	 * Without Redis, login sessions live in this node's memory (Tomcat's own sessions):
	 * at most {@link #inProcessSessionLimit} of them, else anyone could fill the heap
	 * with anonymous authorization requests, each kept in a session of its own for half
	 * an hour (docs/SECURITY.md HD-01: every in-process fallback is bounded in size and
	 * time). At the bound a new session ends an anonymous one
	 * ({@link AnonymousFirstSessions}); only when every session is signed in is a request
	 * that needs a new one answered 503 until sessions end. With Redis, Spring Session
	 * keeps them there and Tomcat's go unused.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> boundedInProcessSessions() {
		return (factory) -> factory.addContextCustomizers((context) -> {
			StandardManager sessions = new AnonymousFirstSessions();
			sessions.setMaxActiveSessions(inProcessSessionLimit(Runtime.getRuntime().maxMemory()));
			context.setManager(sessions);
		});
	}

	/**
	 * As many sessions as a quarter of the heap holds at 32 KB each (an authorization
	 * request kept for the way back from the sign-in takes up to about 24 KB), and never
	 * fewer than a thousand.
	 */
	static int inProcessSessionLimit(long maximumHeap) {
		return (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, maximumHeap / 4 / (32 * 1024)));
	}

	/** Unreadable parameters answered at once, before any filter chain asks for one. */
	@Bean
	FilterRegistrationBean<RequestParametersFilter> requestParametersFilter() {
		FilterRegistrationBean<RequestParametersFilter> registration = new FilterRegistrationBean<>(
				new RequestParametersFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		return registration;
	}

	@Bean
	Drain drain(ApplicationContext context, LanyardProperties properties) {
		return new Drain(context, properties);
	}

	/** While draining, responses close their connections. */
	@Bean
	FilterRegistrationBean<Drain> drainFilter(Drain drain) {
		FilterRegistrationBean<Drain> registration = new FilterRegistrationBean<>(drain);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	/**
	 * Backend outages answered 503 and values PostgreSQL refused answered 400, outside
	 * the session filter (a session that cannot be saved included).
	 */
	@Bean
	FilterRegistrationBean<StorageFailureFilter> storageFailureFilter() {
		FilterRegistrationBean<StorageFailureFilter> registration = new FilterRegistrationBean<>(
				new StorageFailureFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
		return registration;
	}

	/**
	 * Spring Security observes nothing: no filter chain, authentication or authorization
	 * is wrapped in an observation (one per filter per request cost more CPU than the
	 * token endpoint's own work, bench/run.sh). {@code http.server.requests} still times
	 * every request.
	 */
	@Bean
	static SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * {@code http.server.requests} names the protocol endpoints, which filters answer, by
	 * their paths (see {@link EndpointUriObservationConvention}).
	 */
	@Bean
	ServerRequestObservationConvention endpointUriObservationConvention(AuthorizationServerSettings settings) {
		return new EndpointUriObservationConvention(Set.of(settings.getAuthorizationEndpoint(),
				settings.getTokenEndpoint(), settings.getTokenIntrospectionEndpoint(),
				settings.getTokenRevocationEndpoint(), settings.getPushedAuthorizationRequestEndpoint(),
				settings.getDeviceAuthorizationEndpoint(), settings.getDeviceVerificationEndpoint(),
				settings.getJwkSetEndpoint(), settings.getOidcUserInfoEndpoint(), settings.getOidcLogoutEndpoint(),
				"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/login", "/logout"));
	}

	@Bean
	FilterRegistrationBean<IssuerOriginFilter> issuerOriginFilter(LanyardProperties properties) {
		FilterRegistrationBean<IssuerOriginFilter> registration = new FilterRegistrationBean<>(
				new IssuerOriginFilter(properties.issuer()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
