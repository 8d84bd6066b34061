package dev.lanyard.server.protocol;

import java.io.IOException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.lanyard.server.token.TokenIssuanceStatistics;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * Sends the token response and counts it by grant type: as
 * {@code lanyard_tokens_issued_total{grant="…"}} for Prometheus, and per minute for the
 * dashboard.
 */
final class CountingTokenResponseHandler implements AuthenticationSuccessHandler {

	/** Metric name of issued token responses. */
	static final String METRIC = "lanyard.tokens.issued";

	private final AuthenticationSuccessHandler delegate;

	private final MeterRegistry meters;

	private final TokenIssuanceStatistics statistics;

	CountingTokenResponseHandler(MeterRegistry meters, TokenIssuanceStatistics statistics) {
		this.delegate = new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
		this.meters = meters;
		this.statistics = statistics;
	}

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException, ServletException {
		this.delegate.onAuthenticationSuccess(request, response, authentication);
		String grantType = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
		Counter.builder(METRIC)
			.description("Token responses sent, by grant type")
			.tag("grant", (grantType != null) ? grantType : "unknown")
			.register(this.meters)
			.increment();
		this.statistics.record(grantType);
	}

}
