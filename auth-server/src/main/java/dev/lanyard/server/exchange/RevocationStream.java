package dev.lanyard.server.exchange;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.lanyard.server.authorization.OutboxGaps;
import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.authorization.RevocationsRecordedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The revocation channel over HTTP, for gateways without Redis: a Server-Sent Events
 * stream (WHATWG HTML, "Server-sent events") of the revocations recorded in the
 * {@link RevocationOutbox}, which every node reads, so a gateway connected to any node
 * hears revocations made on every node.
 *
 * <p>
 * Events:
 * <ul>
 * <li>{@code revocation}, with the outbox row's id as the event id and the same JSON as
 * the Redis channel: {@code {"token_hashes":[…],"session_ids":[…],"reason":"…"}}
 * ({@code "kid"} and {@code "drop_all":true} added when a signing key was
 * withdrawn);</li>
 * <li>{@code reset} first, for a subscriber without a usable {@code Last-Event-ID}: it
 * drops every JWT it cached, since it may have missed revocations;</li>
 * <li>{@code resumed} first after a reconnection with {@code Last-Event-ID}, once the
 * revocations recorded since that id that this node has streamed were sent: nothing was
 * missed, the cache stays. Rows newer than this node's last pass follow right after, with
 * the next pass, as live revocations do (sending them first would mean a pass on the
 * reconnecting request's thread).</li>
 * </ul>
 * Resuming from any earlier id is safe: the outbox keeps rows for a day, far longer than
 * an internal JWT lives (five minutes at most), so what was purged cannot be in any
 * gateway's cache. An id beyond the newest row (the database was restored or replaced)
 * gets a {@code reset}. A comment every 5 s keeps proxies from closing an idle stream and
 * lets the subscriber notice a dead connection.
 *
 * <p>
 * Revocations reach subscribers right after they commit on this node, and within a
 * quarter of a second from other nodes (the outbox is polled while anyone listens).
 */
public final class RevocationStream implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(RevocationStream.class);

	/** How long one stream lasts before the subscriber reconnects (and resumes). */
	static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

	private static final int BATCH = 500;

	/**
	 * A resuming subscriber is sent again this many rows before its last event, in case
	 * one of them committed late after it left (duplicates are harmless); and the ids
	 * this far below the newest row are checked for uncommitted ones when streaming
	 * starts.
	 */
	private static final long RESUME_MARGIN = 1_000;

	/**
	 * A subscriber further behind than this many rows starts afresh ({@code reset}):
	 * cheaper than replaying them, and as safe.
	 */
	private static final long MAXIMUM_BACKLOG = 10_000;

	/** Streams one gateway client may hold on this node at once. */
	static final int MAXIMUM_STREAMS_PER_CLIENT = 16;

	/** How often an idle stream gets a comment line. */
	static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

	private static final Duration POLL = Duration.ofMillis(250);

	/**
	 * How long the outbox may go unread (a pass every 250 ms) before keep-alives stop:
	 * two keep-alive intervals, so that a pass delayed by a slow write, or the first pass
	 * after a quiet spell, never holds one back.
	 */
	static final Duration OUTBOX_UNREAD = KEEP_ALIVE.multipliedBy(2);

	private final RevocationOutbox outbox;

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

	/** Orders every send: backlogs, live revocations and keep-alives never interleave. */
	private final ReentrantLock sending = new ReentrantLock();

	/** The newest outbox row sent to live subscribers. */
	private long streamedUpTo;

	/** Ids below {@code streamedUpTo} whose rows may still commit. */
	private final OutboxGaps gaps = new OutboxGaps();

	private volatile boolean running;

	/**
	 * When a pass last read the outbox (System.nanoTime): keep-alives say the stream is
	 * live, so they stop while it cannot be.
	 */
	private volatile long lastGoodPass = System.nanoTime();

	/**
	 * Every send happens here, never on a request thread: a gateway that stops reading
	 * holds up this thread (until its write times out and it is dropped), not the token
	 * endpoint that recorded a revocation, nor the application's scheduler.
	 */
	private ScheduledExecutorService worker;

	private final AtomicBoolean wakeRequested = new AtomicBoolean();

	public RevocationStream(RevocationOutbox outbox) {
		this.outbox = outbox;
	}

	/**
	 * A new stream.
	 * @param lastEventId the {@code Last-Event-ID} the subscriber sent, if any
	 */
	public SseEmitter subscribe(String clientId, String lastEventId) {
		SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
		Subscriber subscriber = new Subscriber(emitter, clientId);
		emitter.onCompletion(() -> this.subscribers.remove(subscriber));
		emitter.onTimeout(() -> this.subscribers.remove(subscriber));
		emitter.onError((ex) -> this.subscribers.remove(subscriber));
		Long resumeFrom = parse(lastEventId);
		this.sending.lock();
		try {
			if (!this.running || streamsOf(clientId) >= MAXIMUM_STREAMS_PER_CLIENT) {
				emitter.complete();
				return emitter;
			}
			long newest = this.outbox.lastId();
			if (this.subscribers.isEmpty()) {
				// Nobody listened: stream from the newest row on, and chase the ids below
				// it
				// whose transactions have not committed yet.
				this.streamedUpTo = newest;
				this.gaps.clear();
				long from = Math.max(this.outbox.firstId() - 1, newest - RESUME_MARGIN);
				long previous = from;
				for (long id : this.outbox.idsBetween(from, newest)) {
					this.gaps.skipped(previous, id);
					previous = id;
				}
			}
			if (resumeFrom == null || resumeFrom > newest || resumeFrom < newest - MAXIMUM_BACKLOG) {
				subscriber.lastSent = this.streamedUpTo;
				subscriber.send(SseEmitter.event().name("reset").id(Long.toString(this.streamedUpTo)).data("{}"));
			}
			else {
				subscriber.lastSent = Math.max(0, resumeFrom - RESUME_MARGIN);
				sendBacklog(subscriber);
				// Never above what this node streamed: rows after that reach it with the
				// next pass, even those it may have seen elsewhere (duplicates are
				// harmless, a row skipped is not).
				subscriber.lastSent = Math.min(Math.max(subscriber.lastSent, resumeFrom), this.streamedUpTo);
				subscriber.send(SseEmitter.event()
					.name("resumed")
					.id(Long.toString(Math.max(subscriber.lastSent, resumeFrom)))
					.data("{}"));
			}
			this.subscribers.add(subscriber);
		}
		catch (IOException ex) {
			emitter.completeWithError(ex);
		}
		finally {
			this.sending.unlock();
		}
		return emitter;
	}

	/**
	 * Sends right after a revocation commits on this node: wakes the stream's own thread;
	 * the committing request does not wait for it.
	 */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	public void onRecorded(RevocationsRecordedEvent event) {
		ScheduledExecutorService current = this.worker;
		if (current != null && !this.subscribers.isEmpty() && this.wakeRequested.compareAndSet(false, true)) {
			try {
				current.execute(() -> {
					this.wakeRequested.set(false);
					poll();
				});
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	/**
	 * Sends what any node recorded since the last pass (every 250 ms, on the stream's
	 * thread); only while someone listens.
	 */
	void poll() {
		if (this.subscribers.isEmpty()) {
			return;
		}
		this.sending.lock();
		try {
			if (this.outbox.lastIdGiven() < this.streamedUpTo) {
				startAfresh();
			}
			List<RevocationOutbox.Revocation> rows;
			do {
				rows = this.outbox.after(this.streamedUpTo, BATCH);
				for (RevocationOutbox.Revocation revocation : rows) {
					this.gaps.skipped(this.streamedUpTo, revocation.id());
					for (Subscriber subscriber : this.subscribers) {
						if (revocation.id() > subscriber.lastSent) {
							subscriber.sendOrDrop(revocation);
						}
					}
					this.streamedUpTo = revocation.id();
				}
			}
			while (rows.size() == BATCH);
			sendLateCommits();
			this.lastGoodPass = System.nanoTime();
		}
		catch (RuntimeException ex) {
			// PostgreSQL unavailable: the next pass catches up.
			logger.debug("Revocation stream pass failed: {}", ex.getMessage());
		}
		finally {
			this.sending.unlock();
		}
	}

	/**
	 * The outbox's ids went back (the database restored from a backup, or failed over to
	 * a replica that lost commits): revocations recorded from now on take ids this stream
	 * has passed and would never be sent. Every subscriber starts afresh ({@code reset}:
	 * it drops what it cached), from the newest row.
	 */
	private void startAfresh() {
		long newest = this.outbox.lastId();
		logger.warn("Revocation outbox ids went back (streamed up to {}, newest now {}): the database was restored "
				+ "or failed over; every revocation stream starts afresh", this.streamedUpTo, newest);
		this.streamedUpTo = newest;
		this.gaps.clear();
		for (Subscriber subscriber : this.subscribers) {
			subscriber.lastSent = newest;
			try {
				subscriber.send(SseEmitter.event().name("reset").id(Long.toString(newest)).data("{}"));
			}
			catch (IOException | IllegalStateException ex) {
				subscriber.drop(ex);
			}
		}
	}

	/** Sends the rows that appeared in earlier gaps to every subscriber. */
	private void sendLateCommits() {
		for (RevocationOutbox.Revocation late : this.gaps.lateCommits(this.outbox)) {
			for (Subscriber subscriber : this.subscribers) {
				subscriber.sendOrDrop(late);
			}
		}
	}

	/**
	 * A comment line, so idle streams stay open and dead ones are noticed; none while
	 * this node cannot read the outbox (PostgreSQL out): a gateway takes any line as
	 * proof that revocations reach it, and would otherwise trust its cache while
	 * revocations made on other nodes never came. Its silence sends it to another node.
	 */
	void keepAlive() {
		if (System.nanoTime() - this.lastGoodPass > OUTBOX_UNREAD.toNanos()) {
			logger.debug("Revocation stream keep-alive held back: the outbox could not be read");
			return;
		}
		this.sending.lock();
		try {
			for (Subscriber subscriber : this.subscribers) {
				try {
					subscriber.send(SseEmitter.event().comment("keep-alive"));
				}
				catch (IOException | IllegalStateException ex) {
					subscriber.drop(ex);
				}
			}
		}
		finally {
			this.sending.unlock();
		}
	}

	/**
	 * The streams a client holds at this node (one it closed counts until a write to it
	 * fails).
	 */
	long streamsOf(String clientId) {
		return this.subscribers.stream().filter((subscriber) -> subscriber.clientId.equals(clientId)).count();
	}

	@Override
	public void start() {
		ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread streaming = new Thread(task, "lanyard-revocation-stream");
			streaming.setDaemon(true);
			return streaming;
		});
		thread.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
		thread.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(),
				TimeUnit.MILLISECONDS);
		this.worker = thread;
		this.running = true;
	}

	/**
	 * Ends every stream, after the drain and before the web server's graceful shutdown,
	 * which would otherwise wait for these never-ending requests: the gateways reconnect
	 * (to another node) and resume.
	 */
	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService thread = this.worker;
		if (thread != null) {
			thread.shutdownNow();
		}
		this.sending.lock();
		try {
			for (Subscriber subscriber : this.subscribers) {
				subscriber.emitter.complete();
			}
			this.subscribers.clear();
		}
		finally {
			this.sending.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;
	}

	/** How many gateways listen on this node. */
	public int subscribers() {
		return this.subscribers.size();
	}

	private void sendBacklog(Subscriber subscriber) throws IOException {
		List<RevocationOutbox.Revocation> rows;
		do {
			rows = this.outbox.after(subscriber.lastSent, BATCH);
			for (RevocationOutbox.Revocation revocation : rows) {
				if (revocation.id() > this.streamedUpTo) {
					// Newer rows go to everyone with the next poll.
					return;
				}
				subscriber.send(event(revocation));
				subscriber.lastSent = revocation.id();
			}
		}
		while (rows.size() == BATCH);
	}

	private SseEmitter.SseEventBuilder event(RevocationOutbox.Revocation revocation) {
		return SseEmitter.event()
			.name("revocation")
			.id(Long.toString(revocation.id()))
			.data(this.json.writeValueAsString(revocation.message()), MediaType.APPLICATION_JSON);
	}

	private static Long parse(String lastEventId) {
		if (lastEventId == null || lastEventId.isBlank() || lastEventId.length() > 19) {
			return null;
		}
		try {
			long id = Long.parseLong(lastEventId.strip());
			return (id >= 0) ? id : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** One listening gateway. Its fields are guarded by {@code sending}. */
	private final class Subscriber {

		private final SseEmitter emitter;

		private long lastSent;

		private final String clientId;

		Subscriber(SseEmitter emitter, String clientId) {
			this.emitter = emitter;
			this.clientId = clientId;
		}

		void send(SseEmitter.SseEventBuilder event) throws IOException {
			this.emitter.send(event);
		}

		void sendOrDrop(RevocationOutbox.Revocation revocation) {
			try {
				send(event(revocation));
				this.lastSent = Math.max(this.lastSent, revocation.id());
			}
			catch (IOException | IllegalStateException ex) {
				drop(ex);
			}
		}

		void drop(Exception ex) {
			RevocationStream.this.subscribers.remove(this);
			this.emitter.completeWithError(ex);
		}

	}

}
