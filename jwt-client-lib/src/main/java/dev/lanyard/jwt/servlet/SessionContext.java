package dev.lanyard.jwt.servlet;

import java.util.Objects;
import java.util.Optional;

import dev.lanyard.jwt.SessionClaims;

/**
 * The verified session of the request being handled on the current thread.
 *
 * <p>
 * {@link JwtSessionFilter} opens it for the duration of the request; code running on that
 * thread (controllers, services, the outbound propagation interceptor) reads it. Work
 * handed to other threads does not see it unless it opens its own {@link Scope}:
 *
 * <pre>{@code
 * SessionClaims claims = SessionContext.current().orElseThrow();
 * String token = SessionContext.currentToken().orElseThrow();
 * executor.submit(() -> {
 *     try (SessionContext.Scope scope = SessionContext.open(claims, token)) {
 *         ...
 *     }
 * });
 * }</pre>
 *
 * <p>
 * Thread-safe: each thread sees only its own session.
 */
public final class SessionContext {

	private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

	private SessionContext() {
	}

	/**
	 * Returns the session claims of the current thread.
	 * @return the claims, or empty outside a verified request
	 */
	public static Optional<SessionClaims> current() {
		Session session = CURRENT.get();
		return session == null ? Optional.empty() : Optional.of(session.claims);
	}

	/**
	 * Returns the verified token of the current thread, for forwarding to the next
	 * service. Never log it.
	 * @return the compact JWT, or empty outside a verified request
	 */
	public static Optional<String> currentToken() {
		Session session = CURRENT.get();
		return session == null ? Optional.empty() : Optional.of(session.token);
	}

	/**
	 * Makes a verified session current on this thread until the returned scope is closed,
	 * which restores whatever was current before.
	 * @param claims the verified claims, not {@code null}
	 * @param token the token they were verified from, not {@code null}
	 * @return the scope to close, typically in try-with-resources
	 */
	public static Scope open(SessionClaims claims, String token) {
		Session previous = CURRENT.get();
		CURRENT.set(new Session(Objects.requireNonNull(claims, "claims"), Objects.requireNonNull(token, "token")));
		return new Scope(previous);
	}

	/**
	 * An open session on one thread; closing it restores the previous one. Not
	 * thread-safe.
	 */
	public static final class Scope implements AutoCloseable {

		private final Session previous;

		private boolean closed;

		private Scope(Session previous) {
			this.previous = previous;
		}

		/**
		 * Restores the session that was current before {@link SessionContext#open}.
		 * Idempotent.
		 */
		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				if (this.previous == null) {
					CURRENT.remove();
				}
				else {
					CURRENT.set(this.previous);
				}
			}
		}

	}

	private static final class Session {

		private final SessionClaims claims;

		private final String token;

		private Session(SessionClaims claims, String token) {
			this.claims = claims;
			this.token = token;
		}

		@Override
		public String toString() {
			return this.claims.toString(); // never the token
		}

	}

}
