package dev.lanyard.server.web;

import java.sql.SQLException;

import dev.lanyard.server.storage.GuardedSessionRepository.SessionNotSavedException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The filter alone, with the servlet API's test doubles: what a Redis failure while the
 * login session is stored becomes, before and after the answer was sent, and what a value
 * PostgreSQL refuses becomes.
 */
class StorageFailureFilterTest {

	private final StorageFailureFilter filter = new StorageFailureFilter();

	/**
	 * Seen on a loaded CI host: Redis timed out on the save Spring Session repeats after
	 * the login page was sent; the exception then cut the connection under a whole page.
	 */
	@Test
	void filterWhenSessionNotSavedAfterAnswerSentThenAnswerStands() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(new MockHttpServletRequest("GET", "/login"), response, (request, answer) -> {
			answer.getWriter().write("<html>the login page</html>");
			answer.flushBuffer();
			throw new SessionNotSavedException(new QueryTimeoutException("Redis command timed out"));
		});
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("<html>the login page</html>");
	}

	@Test
	void filterWhenSessionNotSavedBeforeAnswerSentThen503Page() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(new MockHttpServletRequest("POST", "/login"), response, (request, answer) -> {
			throw new SessionNotSavedException(new QueryTimeoutException("Redis command timed out"));
		});
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("5");
		assertThat(response.getContentAsString()).contains("Try again in a moment");
	}

	/** Too many password checks at once: the same 503, for a program as JSON. */
	@Test
	void filterWhenServerBusyThen503() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockHttpServletRequest token = new MockHttpServletRequest("POST", "/oauth2/token");
		token.setServletPath("/oauth2/token");
		this.filter.doFilter(token, response, (request, answer) -> {
			throw new IllegalStateException(new TemporarilyUnavailableException("Too many password checks at once"));
		});
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("5");
		assertThat(response.getContentAsString()).contains("\"error\":\"temporarily_unavailable\"");
	}

	@Test
	void filterWhenOtherOutageAfterAnswerSentThenConnectionCut() {
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(
				() -> this.filter.doFilter(new MockHttpServletRequest("GET", "/admin"), response, (request, answer) -> {
					answer.getWriter().write("<html>half a ");
					answer.flushBuffer();
					throw new QueryTimeoutException("PostgreSQL timed out");
				}));
	}

	/**
	 * HD-08: a value PostgreSQL refused as data (here a NUL in text, SQLSTATE 22021) is
	 * the request's fault: 400 through the error page, never a 500; any other statement
	 * failure stays the server's.
	 */
	@Test
	void filterWhenPostgresRefusedAValueThen400ElseRethrown() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(new MockHttpServletRequest("POST", "/api/admin/users"), response, (request, answer) -> {
			throw new DataIntegrityViolationException("insert failed",
					new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
		});
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(StorageFailureFilter.refusedValueState(new RuntimeException(new SQLException("x", "22P05"))))
			.isEqualTo("22P05");
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> this.filter.doFilter(new MockHttpServletRequest("POST", "/api/admin/users"),
					new MockHttpServletResponse(), (request, answer) -> {
						throw new DataIntegrityViolationException("duplicate key",
								new SQLException("duplicate key value", "23505"));
					}));
	}

}
