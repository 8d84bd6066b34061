package dev.lanyard.exchange;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hears revocations from the authorization server's revocation stream
 * ({@code GET <issuer>/revocations}, Server-Sent Events) and tells the
 * {@link GatewayTokenExchanger}: the revocation channel for gateways without Redis.
 *
 * <p>
 * One background thread keeps one stream open, authenticated as the gateway client
 * ({@code client_secret_basic}). After a break it reconnects within a second or so,
 * sending the id of the last event it saw ({@code Last-Event-ID}); the server then sends
 * what was recorded meanwhile and {@code resumed}, and the cache stays. A {@code reset}
 * (first connection, or an id the server does not know) drops every cached JWT. While no
 * stream is open, the exchanger serves cached JWTs for seconds only
 * ({@link GatewayTokenExchanger#UNHEARD_CACHE_TTL}). The server writes a comment every 5
 * s; 15 s of silence counts as a break.
 */
public final class RevocationStreamClient implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RevocationStreamClient.class.getName());

	/** Three keep-alives missed (the server writes one every 5 s). */
	static final Duration SILENCE = Duration.ofSeconds(15);

	/** How long to wait for the server's answer to start (not for events). */
	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration MAXIMUM_RETRY = Duration.ofSeconds(5);

	/**
	 * How many times the stream was heard (reset or resumed); the reader thread's own.
	 */
	private long heardCount;

	private final URI stream;

	private final String authorization;

	private final GatewayTokenExchanger exchanger;

	private final HttpClient http;

	private final Duration silence;

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicReference<InputStream> open = new AtomicReference<>();

	private final AtomicLong lastLineNanos = new AtomicLong();

	/** The id of the last event dispatched; {@code null} before the first. */
	private volatile String lastEventId;

	/** Whether a break was logged and the stream has not been heard since. */
	private volatile boolean warned;

	private Thread reader;

	private Thread watchdog;

	/**
	 * @param issuer the authorization server
	 * @param clientId the gateway's client id
	 * @param clientSecret its secret
	 * @param connectTimeout connect timeout
	 * @param exchanger told of revocations and of the stream's state
	 */
	public RevocationStreamClient(URI issuer, String clientId, String clientSecret, Duration connectTimeout,
			GatewayTokenExchanger exchanger) {
		this(issuer, clientId, clientSecret, connectTimeout, exchanger, SILENCE);
	}

	RevocationStreamClient(URI issuer, String clientId, String clientSecret, Duration connectTimeout,
			GatewayTokenExchanger exchanger, Duration silence) {
		String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
		this.stream = URI.create(base).resolve("revocations");
		this.authorization = TokenExchangeClient.clientSecretBasic(clientId, clientSecret);
		this.exchanger = exchanger;
		this.silence = silence;
		this.http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	/** Opens the stream in the background; never fails. */
	public void start() {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		// Not heard until the server's first event says so.
		this.exchanger.revocationFeed(false);
		this.reader = new Thread(this::readForever, "lanyard-revocation-stream");
		this.reader.setDaemon(true);
		this.reader.start();
		this.watchdog = new Thread(this::watchForSilence, "lanyard-revocation-stream-watchdog");
		this.watchdog.setDaemon(true);
		this.watchdog.start();
	}

	@Override
	public void close() {
		this.running.set(false);
		closeStream();
		if (this.reader != null) {
			this.reader.interrupt();
		}
		if (this.watchdog != null) {
			this.watchdog.interrupt();
		}
	}

	/** The id of the last event heard, if any. */
	String lastEventId() {
		return this.lastEventId;
	}

	private void readForever() {
		Duration retry = Duration.ofMillis(250);
		while (this.running.get()) {
			String problem;
			long heardBefore = this.heardCount;
			try {
				problem = readOnce();
				if (this.heardCount != heardBefore) {
					// The stream was heard (reset or resumed): a later end starts the
					// waits anew. An answer that ends before (401, 503, a node's
					// seventeenth stream of this client) keeps doubling them, or every
					// gateway would ask four times a second for ever.
					retry = Duration.ofMillis(250);
				}
			}
			catch (IOException ex) {
				problem = ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.exchanger.revocationFeed(false);
			if (!this.running.get()) {
				return;
			}
			if (!this.warned) {
				logger.log(Level.WARNING,
						"Revocation stream {0} not heard ({1}); cached JWTs are served for {2} s at most", this.stream,
						problem, GatewayTokenExchanger.UNHEARD_CACHE_TTL.toSeconds());
				this.warned = true;
			}
			try {
				Thread.sleep(retry.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			retry = min(retry.multipliedBy(2), MAXIMUM_RETRY);
		}
	}

	/**
	 * One connection, read until it ends.
	 * @return why it ended
	 */
	private String readOnce() throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.stream)
			.timeout(ANSWER_TIMEOUT)
			.header("Accept", "text/event-stream")
			.header("Authorization", this.authorization)
			.GET();
		String resumeFrom = this.lastEventId;
		if (resumeFrom != null) {
			request.header("Last-Event-ID", resumeFrom);
		}
		HttpResponse<InputStream> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = response.body()) {
			if (response.statusCode() != 200) {
				return "HTTP " + response.statusCode() + ((response.statusCode() == 401 || response.statusCode() == 403)
						? ": the gateway client may not read it (needs the token-exchange grant)" : "");
			}
			this.lastLineNanos.set(System.nanoTime());
			this.open.set(body);
			if (!this.running.get()) {
				return "stopped";
			}
			readEvents(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
			return "the stream ended";
		}
		finally {
			this.open.set(null);
		}
	}

	/** Server-Sent Events: fields until a blank line, then the event is dispatched. */
	private void readEvents(BufferedReader lines) throws IOException {
		String id = null;
		String event = null;
		StringBuilder data = new StringBuilder();
		String line;
		while ((line = lines.readLine()) != null) {
			this.lastLineNanos.set(System.nanoTime());
			if (line.isEmpty()) {
				dispatch(id, event, data.toString());
				id = null;
				event = null;
				data.setLength(0);
				continue;
			}
			if (line.startsWith(":")) {
				continue;
			}
			int colon = line.indexOf(':');
			String field = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (field) {
				case "id" -> id = value;
				case "event" -> event = value;
				case "data" -> data.append(data.isEmpty() ? "" : "\n").append(value);
				default -> {
				}
			}
		}
	}

	private void dispatch(String id, String event, String data) {
		if (event == null) {
			return;
		}
		switch (event) {
			case "reset" -> {
				this.exchanger.revocationFeedSubscribed();
				heard("from now on; cached JWTs dropped");
			}
			case "resumed" -> {
				this.exchanger.revocationFeedResumed();
				heard("resumed after event " + id + ", nothing missed");
			}
			case "revocation" -> this.exchanger.revocationMessage(data);
			default -> {
				return;
			}
		}
		if (id != null) {
			this.lastEventId = id;
		}
	}

	private void heard(String how) {
		this.heardCount++;
		logger.log(this.warned ? Level.INFO : Level.DEBUG, "Revocation stream {0} heard: {1}", this.stream, how);
		this.warned = false;
	}

	private void watchForSilence() {
		while (this.running.get()) {
			try {
				Thread.sleep(Math.max(100, this.silence.toMillis() / 5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (this.open.get() != null && System.nanoTime() - this.lastLineNanos.get() > this.silence.toNanos()) {
				logger.log(Level.WARNING, "Revocation stream silent for {0} s: reconnecting", this.silence.toSeconds());
				closeStream();
			}
		}
	}

	private void closeStream() {
		InputStream body = this.open.getAndSet(null);
		if (body != null) {
			try {
				body.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) < 0) ? a : b;
	}

}
