package dev.lanyard.server.storage;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.serializer.SerializationException;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * Login sessions in Redis, behind the Redis circuit breaker. While Redis is unreachable a
 * session cannot be read, so the person is signed out (asked to sign in again) rather
 * than shown an error, and one that cannot be saved gets a 503 page at once rather than
 * after a timeout (issue 9, item 8). Never a 500. A read that fails while the breaker is
 * still closed (a timeout, a dropped connection) signs its person out too, and says so in
 * the log (every ten seconds at most): once the breaker is open, the breaker's own
 * warning covers every refused read. A session another request of the same browser ended
 * or renamed while this one ran is not saved again, and a fragment such a race leaves
 * behind is no session (neither is an error).
 *
 * @param <S> the session type
 */
public final class GuardedSessionRepository<S extends Session> implements SessionRepository<S> {

	private static final Logger logger = LoggerFactory.getLogger(GuardedSessionRepository.class);

	private final SessionRepository<S> sessions;

	private final WarningInterval unreadWarnings = new WarningInterval(Duration.ofSeconds(10));

	private final CircuitBreaker breaker;

	public GuardedSessionRepository(SessionRepository<S> sessions, CircuitBreaker breaker) {
		this.sessions = sessions;
		this.breaker = breaker;
	}

	@Override
	public S createSession() {
		return this.sessions.createSession();
	}

	@Override
	public void save(S session) {
		if (!this.breaker.tryAcquirePermission()) {
			throw new BackendBreakers.RedisRefusedByOpenBreaker(
					"Redis is unreachable (circuit open): the session cannot be saved");
		}
		long started = System.nanoTime();
		try {
			this.sessions.save(session);
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
		}
		catch (IllegalStateException ex) {
			// Redis answered: the session is no longer stored under the id this request
			// read it by (Spring Session's "Session was invalidated"). Another request of
			// the same browser ended it or gave it a new id meanwhile (a sign-in, a
			// sign-out, "sign out everywhere else"), or it expired. What this request
			// changed in it goes with it: the browser goes on with the session as the
			// other request left it. It used to fail the request with a 500.
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			logger.debug("A login session ended or renamed by another request was not saved");
		}
		catch (RuntimeException ex) {
			this.breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
			if (BackendBreakers.isOutage(ex)) {
				throw new SessionNotSavedException(ex);
			}
			throw ex;
		}
	}

	/**
	 * A login session Redis could not store. Before the answer is sent it becomes the 503
	 * page; after (the save Spring Session repeats at the end of every request), the
	 * answer is complete and stays as it is ({@code StorageFailureFilter}).
	 */
	public static final class SessionNotSavedException extends RedisConnectionFailureException {

		private static final long serialVersionUID = 1L;

		public SessionNotSavedException(RuntimeException cause) {
			super("The login session could not be stored: " + cause.getMessage(), cause);
		}

	}

	@Override
	public S findById(String id) {
		if (!this.breaker.tryAcquirePermission()) {
			return null;
		}
		long started = System.nanoTime();
		try {
			S session = this.sessions.findById(id);
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			return session;
		}
		catch (IllegalStateException ex) {
			// Redis answered with a fragment of a session ("creationTime key must not be
			// null"): a request saved its changes just as another request of the same
			// browser renamed or ended the session, and the changes made a new entry
			// under the old id (Spring Session checks the entry exists, then writes).
			// No session to go on with: the fragment is removed, and this request is
			// signed out. It used to fail with a 500 at every request with that id.
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			logger.debug("A fragment of a login session was found and removed");
			deleteById(id);
			return null;
		}
		catch (RuntimeException ex) {
			if (BackendBreakers.firstCause(ex, SerializationException.class::isInstance) != null) {
				// A value this node cannot read: written by a node of another version (a
				// class it does not have, or no longer has, during a rolling upgrade) or
				// damaged. Redis answered, so no failure of Redis; the session is removed
				// and this request goes on signed out. It used to fail with a 500 at
				// every
				// request of that browser until the entry expired.
				this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
				Throwable missing = BackendBreakers.firstCause(ex, ClassNotFoundException.class::isInstance);
				logger.warn(
						"A login session held a value this node cannot read ({}): it was removed and its "
								+ "person signs in again",
						(missing != null) ? "no class " + missing.getMessage() : "damaged");
				deleteById(id);
				return null;
			}
			this.breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
			if (BackendBreakers.isOutage(ex)) {
				// Never the session id: it is the person's credential.
				if (this.unreadWarnings.due()) {
					logger.warn("A login session could not be read from Redis ({}): its request goes on signed out "
							+ "(one warning every 10 s at most)", ex.getClass().getSimpleName());
				}
				return null;
			}
			throw ex;
		}
	}

	@Override
	public void deleteById(String id) {
		if (!this.breaker.tryAcquirePermission()) {
			return;
		}
		long started = System.nanoTime();
		try {
			this.sessions.deleteById(id);
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			this.breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
			if (!BackendBreakers.isOutage(ex)) {
				throw ex;
			}
		}
	}

}
