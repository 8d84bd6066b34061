package dev.lanyard.server.logout;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.RevocationsRecordedEvent;
import dev.lanyard.server.client.JdbcOAuthClientRepository;
import dev.lanyard.server.client.OAuthClient;
import dev.lanyard.server.logout.BackchannelLogoutOutbox.PendingLogout;
import dev.lanyard.server.storage.TablePurges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.5): a form POST of
 * {@code logout_token} to the client's {@code backchannel_logout_uri}, 2 s to connect and
 * 5 s to answer, no redirects followed; a 200 or 204 is delivered. Anything else is tried
 * again after 5 s, 30 s, 2 min, 10 min and 30 min, then given up; every outcome is
 * audited ({@code logout.backchannel_delivered}, {@code _retry}, {@code _failed}) and
 * counted ({@code lanyard_backchannel_logouts_total{outcome}}).
 * <p>
 * At most {@value #IN_FLIGHT} sends are under way on a node, {@value #PER_CLIENT} per
 * client, claimed fairly across clients: an endpoint that stalls delays its own
 * deliveries only.
 * <p>
 * The work runs on this class's own thread, never the person's request or the shared
 * scheduler: right after a revocation is committed, and every second for what is due
 * (retries, and rows another node claimed and never answered, after its lease).
 */
@Component
public class BackchannelLogoutDelivery implements DisposableBean {

	static final int MAX_ATTEMPTS = 6;

	/** Seconds to wait after attempt 1, 2, …; after the last, the delivery fails. */
	private static final int[] BACKOFF_SECONDS = { 5, 30, 120, 600, 1800 };

	/** Sends under way at most, on this node. */
	private static final int IN_FLIGHT = 20;

	/** Sends under way to one client at most, on this node. */
	private static final int PER_CLIENT = 2;

	private final Semaphore slots = new Semaphore(IN_FLIGHT);

	/** Sends under way, by registered client id. */
	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	/** How long a claimed delivery is this node's: well past one attempt's time. */
	private static final int LEASE_SECONDS = 60;

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

	/** The most one attempt may take, connection, answer and body included. */
	private static final Duration ATTEMPT_DEADLINE = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(BackchannelLogoutDelivery.class);

	private final BackchannelLogoutOutbox outbox;

	private final JdbcOAuthClientRepository clients;

	private final LogoutTokens tokens;

	private final AuditLog audit;

	private final MeterRegistry meters;

	private final TablePurges purges;

	private final ExecutorService worker = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "backchannel-logout");
		thread.setDaemon(true);
		return thread;
	});

	/** The HTTP client's own threads, stopped with this class. */
	private final ExecutorService connections = Executors.newFixedThreadPool(2, (runnable) -> {
		Thread thread = new Thread(runnable, "backchannel-logout-http");
		thread.setDaemon(true);
		return thread;
	});

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.followRedirects(HttpClient.Redirect.NEVER)
		.executor(this.connections)
		.build();

	/** Whether a run is queued on the worker (runs asked for meanwhile join it). */
	private final AtomicBoolean queued = new AtomicBoolean();

	public BackchannelLogoutDelivery(BackchannelLogoutOutbox outbox, JdbcOAuthClientRepository clients,
			LogoutTokens tokens, AuditLog audit, MeterRegistry meters, TablePurges purges) {
		this.outbox = outbox;
		this.clients = clients;
		this.tokens = tokens;
		this.audit = audit;
		this.meters = meters;
		this.purges = purges;
	}

	@EventListener
	void revocationsRecorded(RevocationsRecordedEvent event) {
		if (BackchannelLogoutOutbox.SESSION_ENDING.contains(event.reason())) {
			runSoon();
		}
	}

	@Scheduled(initialDelayString = "PT2S", fixedDelayString = "PT1S")
	void due() {
		runSoon();
	}

	@Scheduled(initialDelayString = "PT10M", fixedDelayString = "PT1H")
	void purge() {
		this.purges.inBackground("backchannel-logouts", Duration.ofHours(1), this.outbox::purgeEnded);
	}

	private void runSoon() {
		if (this.queued.compareAndSet(false, true)) {
			try {
				this.worker.execute(() -> {
					this.queued.set(false);
					deliverDue();
				});
			}
			catch (RuntimeException ex) {
				// Shutting down.
				this.queued.set(false);
			}
		}
	}

	/**
	 * Claims what is due, as many as there are free slots ({@value #IN_FLIGHT} sends
	 * under way at most), at most {@value #PER_CLIENT} per client at a time, and sends
	 * them; a send that ends frees its slot and asks for another run. Nothing waits for a
	 * whole batch: one endpoint that stalls (each attempt ends by its deadline) holds its
	 * own slots only. It used to hold every other client's delivery until the batch
	 * ended.
	 */
	void deliverDue() {
		try {
			while (this.slots.availablePermits() > 0) {
				int free = this.slots.availablePermits();
				List<String> busy = this.inFlight.entrySet()
					.stream()
					.filter((client) -> client.getValue().get() >= PER_CLIENT)
					.map(Map.Entry::getKey)
					.toList();
				// A few at a time: between claims the clients that reached their share
				// are left out (one claim of twenty could be one client's twenty).
				int asked = Math.min(free, PER_CLIENT);
				List<PendingLogout> claimed = this.outbox.claimDue(asked, LEASE_SECONDS, busy);
				for (PendingLogout pending : claimed) {
					this.slots.acquireUninterruptibly();
					AtomicInteger ofClient = this.inFlight.computeIfAbsent(pending.registeredClientId(),
							(client) -> new AtomicInteger());
					ofClient.incrementAndGet();
					deliverQuietly(pending).whenComplete((done, failure) -> {
						ofClient.decrementAndGet();
						this.slots.release();
						runSoon();
					});
				}
				if (claimed.size() < asked) {
					return;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Back-channel logouts not delivered now: {}", ex.getMessage());
		}
	}

	/** One row: whatever goes wrong with it is its outcome, never the batch's. */
	private CompletableFuture<Void> deliverQuietly(PendingLogout pending) {
		try {
			if (pending.attempts() > MAX_ATTEMPTS) {
				finish(pending, null, "failed", "too many attempts");
				return CompletableFuture.completedFuture(null);
			}
			return deliver(pending);
		}
		catch (RuntimeException ex) {
			finish(pending, null, (pending.attempts() >= MAX_ATTEMPTS) ? "failed" : "retry", describe(ex));
			return CompletableFuture.completedFuture(null);
		}
	}

	private CompletableFuture<Void> deliver(PendingLogout pending) {
		Optional<OAuthClient> client = this.clients.findById(pending.registeredClientId())
			.filter((found) -> found.enabled() && found.backchannelLogoutUri() != null);
		if (client.isEmpty()) {
			finish(pending, null, "failed", "the client is gone, disabled or takes no logout tokens");
			return CompletableFuture.completedFuture(null);
		}
		String token = this.tokens.issue(client.get().clientId(), pending.subject(), pending.sessionId());
		HttpRequest request = HttpRequest.newBuilder(URI.create(client.get().backchannelLogoutUri()))
			.timeout(ANSWER_TIMEOUT)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString("logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
			.build();
		// The request timeout ends at the response headers; this ends a body that never
		// comes too.
		CompletableFuture<HttpResponse<Void>> sending = this.http.sendAsync(request,
				HttpResponse.BodyHandlers.discarding());
		// cancel(true) aborts the exchange itself (a timeout alone would leave the
		// connection to a client that trickles its answer open).
		CompletableFuture.delayedExecutor(ATTEMPT_DEADLINE.toSeconds(), TimeUnit.SECONDS)
			.execute(() -> sending.cancel(true));
		return sending.handle((response, failure) -> {
			if (failure == null && (response.statusCode() == 200 || response.statusCode() == 204)) {
				finish(pending, client.get(), "delivered", null);
			}
			else {
				String error = (failure != null) ? describe(failure) : "HTTP " + response.statusCode();
				finish(pending, client.get(), (pending.attempts() >= MAX_ATTEMPTS) ? "failed" : "retry", error);
			}
			return null;
		});
	}

	private void finish(PendingLogout pending, OAuthClient client, String outcome, String error) {
		try {
			switch (outcome) {
				case "delivered" -> this.outbox.delivered(pending);
				case "retry" -> this.outbox.retryIn(pending,
						BACKOFF_SECONDS[Math.min(pending.attempts(), BACKOFF_SECONDS.length) - 1], error);
				default -> this.outbox.failed(pending, error);
			}
			String target = (client != null) ? "client:" + client.clientId() : "client:" + pending.registeredClientId();
			this.audit.record("system", "logout.backchannel_" + outcome, target, null, (error != null)
					? Map.of("sid", pending.sessionId(), "attempt", pending.attempts(), "reason", pending.reason(),
							"error", error)
					: Map.of("sid", pending.sessionId(), "attempt", pending.attempts(), "reason", pending.reason()));
			Counter.builder("lanyard.backchannel.logouts")
				.description("Back-channel logout deliveries, by outcome")
				.tag("outcome", outcome)
				.register(this.meters)
				.increment();
			if (!"delivered".equals(outcome)) {
				logger.info("Back-channel logout to {}: {} after attempt {} ({})",
						(client != null) ? client.clientId() : pending.registeredClientId(), outcome,
						pending.attempts(), error);
			}
		}
		catch (RuntimeException ex) {
			// The lease runs out and the delivery is tried again.
			logger.warn("Could not record a back-channel logout outcome: {}", ex.getMessage());
		}
	}

	private static String describe(Throwable failure) {
		Throwable cause = (failure.getCause() != null) ? failure.getCause() : failure;
		String message = cause.getClass().getSimpleName()
				+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
		return (message.length() > 300) ? message.substring(0, 300) : message;
	}

	@Override
	public void destroy() throws InterruptedException {
		this.worker.shutdownNow();
		this.connections.shutdownNow();
		this.worker.awaitTermination(5, TimeUnit.SECONDS);
	}

}
