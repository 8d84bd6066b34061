package dev.lanyard.server.web;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;

import dev.lanyard.server.storage.WarningInterval;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The last line of HD-08 ("input never causes a 500"): a value PostgreSQL refuses as data
 * (SQLSTATE class 22, "data exception": a NUL character in text or JSON, a timestamp or a
 * number out of range, a string too long for its column) can only have come from a
 * request that the checks at the edge let through. Its statement failed and its
 * transaction was rolled back, so nothing was stored: the request is answered 400
 * {@code invalid_request} (the error page, or OAuth error JSON for programs) rather than
 * 500. The log says which SQLSTATE, never the value, at most once a minute: each one is a
 * missing edge check to add.
 */
public final class RefusedValueFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(RefusedValueFilter.class);

	private final WarningInterval warnings = new WarningInterval(Duration.ofMinutes(1));

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (ServletException | IOException | RuntimeException ex) {
			String state = refusedValueState(ex);
			if (state == null || response.isCommitted()) {
				throw ex;
			}
			if (this.warnings.due()) {
				logger.warn("Answering 400: PostgreSQL refused a value of a request to {} (SQLSTATE {})",
						request.getServletPath(), state);
			}
			response.reset();
			response.sendError(HttpServletResponse.SC_BAD_REQUEST);
		}
	}

	/**
	 * The SQLSTATE of a data exception (class 22) in the failure's causes, else
	 * {@code null}.
	 */
	static String refusedValueState(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
				return sql.getSQLState();
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
