package dev.lanyard.server.web;

import java.util.Set;

import io.micrometer.common.KeyValue;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * The {@code uri} tag of {@code http.server.requests} for the endpoints a filter answers
 * (the token, introspection, revocation and other protocol endpoints, the metadata
 * documents, the sign-in form's POST): no controller mapping names them, so the framework
 * would tag them all {@code UNKNOWN} and the dashboards and alerts that select
 * {@code uri="/oauth2/token"} would see nothing. Only this fixed set of paths is named;
 * every other unmapped request stays {@code UNKNOWN} (no tag value per requested path).
 */
final class EndpointUriObservationConvention extends DefaultServerRequestObservationConvention {

	private final Set<String> endpoints;

	EndpointUriObservationConvention(Set<String> endpoints) {
		this.endpoints = Set.copyOf(endpoints);
	}

	@Override
	protected KeyValue uri(ServerRequestObservationContext context) {
		HttpServletRequest request = context.getCarrier();
		if (context.getPathPattern() == null && request != null) {
			String path = request.getRequestURI().substring(request.getContextPath().length());
			if (this.endpoints.contains(path)) {
				return KeyValue.of("uri", path);
			}
		}
		return super.uri(context);
	}

}
