package dev.lanyard.server.web;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;

import dev.lanyard.server.storage.BackendBreakers;
import dev.lanyard.server.storage.GuardedSessionRepository;
import dev.lanyard.server.storage.WarningInterval;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.session.TooManyActiveSessionsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What a request sees of a storage failure that is not the server's fault, never a 500 or
 * a stack trace:
 * <ul>
 * <li>a backend outage (PostgreSQL or Redis unreachable, wherever in the request it
 * shows): {@code 503 Service Unavailable} with {@code Retry-After} and the OAuth error
 * {@code temporarily_unavailable} (RFC 6749 §4.1.2.1, §5.2), or a short page for a
 * browser (issue 9, item 3). One log line every ten seconds at most says which backend is
 * out;</li>
 * <li>a request the server cannot take just now ({@link TemporarilyUnavailableException}:
 * too many password checks at once; or a new session past the number this node keeps
 * without Redis): the same 503, its log line saying so;</li>
 * <li>a value PostgreSQL refused as data (SQLSTATE class 22, "data exception": a NUL
 * character in text or JSON, a timestamp or a number out of range, a string too long for
 * its column), which can only have come from a request the checks at the edge let through
 * (HD-08): 400 {@code invalid_request} (the error page, or OAuth error JSON for
 * programs); the statement's transaction was rolled back, so nothing was stored. The log
 * names the SQLSTATE and the path, never the value, at most once a minute: each one is a
 * missing edge check to add.</li>
 * </ul>
 */
public final class StorageFailureFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(StorageFailureFilter.class);

	private static final String PAGE = """
			<!DOCTYPE html>
			<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
			<title>Lanyard: try again in a moment</title><link rel="stylesheet" href="/css/lanyard.css"></head>
			<body><main id="main" class="card"><h1>Try again in a moment</h1>
			<p>Lanyard cannot answer just now. Nothing was lost; please try again in a few seconds.</p>
			<p lang="zh-CN">Lanyard 暂时无法响应。没有任何数据丢失，请几秒钟后重试。</p>
			</main></body></html>
			""";

	private final WarningInterval warnings = new WarningInterval(Duration.ofSeconds(10));

	private final WarningInterval refusedValueWarnings = new WarningInterval(Duration.ofMinutes(1));

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (ServletException | IOException | RuntimeException ex) {
			if (response.isCommitted() && ex instanceof GuardedSessionRepository.SessionNotSavedException) {
				// Spring Session saves again once the answer was written and sent: the
				// answer is whole, and throwing now would only cut the connection under
				// it.
				log(ex);
				return;
			}
			if (response.isCommitted()) {
				throw ex;
			}
			if (!BackendBreakers.isOutage(ex) && !busy(ex)) {
				String state = refusedValueState(ex);
				if (state == null) {
					throw ex;
				}
				if (this.refusedValueWarnings.due()) {
					logger.warn("Answering 400: PostgreSQL refused a value of a request to {} (SQLSTATE {})",
							request.getServletPath(), state);
				}
				response.reset();
				response.sendError(HttpServletResponse.SC_BAD_REQUEST);
				return;
			}
			log(ex);
			response.reset();
			response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			response.setHeader("Retry-After", "5");
			SecurityHeadersPolicy.writeTo(response);
			response.setCharacterEncoding("UTF-8");
			if (FriendlyErrorController.wantsJson(request.getServletPath(), request.getHeader("Accept"))) {
				response.setContentType("application/json");
				response.getWriter()
					.write("{\"error\":\"temporarily_unavailable\",\"error_description\":\"Try again in a moment\"}");
			}
			else {
				response.setContentType("text/html");
				response.getWriter().write(PAGE);
			}
		}
	}

	/**
	 * Whether the failure is a request the server cannot take just now: too many password
	 * checks at once, or as many sessions as this node keeps without Redis.
	 */
	public static boolean busy(Throwable failure) {
		return BackendBreakers.firstCause(failure, (cause) -> cause instanceof TemporarilyUnavailableException
				|| cause instanceof TooManyActiveSessionsException) != null;
	}

	/**
	 * The SQLSTATE of a data exception (class 22) in the failure's causes, else
	 * {@code null}.
	 */
	static String refusedValueState(Throwable failure) {
		Throwable refused = BackendBreakers.firstCause(failure, (cause) -> cause instanceof SQLException sql
				&& sql.getSQLState() != null && sql.getSQLState().startsWith("22"));
		return (refused != null) ? ((SQLException) refused).getSQLState() : null;
	}

	private void log(Exception ex) {
		if (this.warnings.due()) {
			Throwable root = ex;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			logger.warn(
					(root instanceof TemporarilyUnavailableException || root instanceof TooManyActiveSessionsException)
							? "Answering 503: {}" : "Answering 503: a backend is unreachable ({})",
					root.getMessage());
		}
	}

}
