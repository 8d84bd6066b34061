package dev.lanyard.server.exchange;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.token.TokenHash;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The revocation stream over real HTTP: only gateway clients may read it; a revocation
 * reaches a listening gateway within a second; a gateway that reconnects with
 * {@code Last-Event-ID} gets what it missed, then {@code resumed}; one the server cannot
 * place gets {@code reset}.
 */
class RevocationStreamTest {

	private final OAuthFlows flows = SharedLanyard.flows();

	private final TestBrowser client = new TestBrowser();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void streamWhenNotAGatewayThenRefused() throws Exception {
		assertThat(open(null, null).statusCode()).isEqualTo(401);
		assertThat(open(basic("gateway", "wrong-secret-wrong-secret-wrong-secret"), null).statusCode()).isEqualTo(401);
		// A client that may not exchange tokens is no gateway.
		assertThat(open(basic("service", TestBootstrap.SERVICE_SECRET), null).statusCode()).isEqualTo(403);
	}

	@Test
	void streamWhenTokenRevokedThenEventWithItsHashWithinASecondAndResumable() throws Exception {
		Stream first = Stream.of(open(gateway(), null));
		Event reset = first.next();
		assertThat(reset.name()).isEqualTo("reset");

		String token = serviceToken();
		long revokedAt = System.nanoTime();
		revoke(token);
		Event revocation = first.next();
		assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
		assertThat(revocation.name()).isEqualTo("revocation");
		assertThat(revocation.data()).contains(TokenHash.of(token)).contains("\"reason\"");
		first.close();

		// Missed while away: sent on reconnection (with some earlier rows again, in case
		// one of them committed late: duplicates are harmless), before "resumed" if this
		// node had streamed it already, else with its next pass right after: either way
		// within a second, and "resumed" once.
		String missed = serviceToken();
		revoke(missed);
		long reconnectedAt = System.nanoTime();
		Stream second = Stream.of(open(gateway(), revocation.id()));
		boolean resumed = false;
		boolean missedSent = false;
		while (!resumed || !missedSent) {
			Event event = second.next();
			if ("resumed".equals(event.name())) {
				assertThat(resumed).as("resumed once").isFalse();
				resumed = true;
			}
			else {
				assertThat(event.name()).isEqualTo("revocation");
				missedSent |= event.data().contains(TokenHash.of(missed));
			}
		}
		assertThat(Duration.ofNanos(System.nanoTime() - reconnectedAt)).isLessThan(Duration.ofSeconds(1));
		second.close();

		// An id from another database (beyond the newest row): start afresh.
		Stream third = Stream.of(open(gateway(), "999999999999"));
		assertThat(third.next().name()).isEqualTo("reset");
		third.close();
	}

	/**
	 * README: "one client may hold 16 streams per node". The 17th is answered and ends at
	 * once, without an event (the exchange service reconnects later); once one of the 16
	 * closes, a new one is served.
	 */
	@Test
	void streamWhenClientHoldsSixteenThenSeventeenthEndsAtOnce() throws Exception {
		List<Stream> held = new ArrayList<>();
		try {
			for (int i = 0; i < RevocationStream.MAXIMUM_STREAMS_PER_CLIENT; i++) {
				Stream stream = Stream.of(open(gateway(), null));
				assertThat(stream.next().name()).as("stream %d", i + 1).isEqualTo("reset");
				held.add(stream);
			}
			HttpResponse<InputStream> refused = open(gateway(), null);
			assertThat(refused.statusCode()).isEqualTo(200);
			try (InputStream body = refused.body()) {
				assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).as("ended without an event")
					.doesNotContain("event:");
			}
			held.remove(0).close();
			RevocationStream streams = SharedLanyard.server().bean(RevocationStream.class);
			awaitStreamsOfGateway(streams, RevocationStream.MAXIMUM_STREAMS_PER_CLIENT - 1);
			Stream again = Stream.of(open(gateway(), null));
			held.add(again);
			assertThat(again.next().name()).as("served again once one of the sixteen closed").isEqualTo("reset");
		}
		finally {
			for (Stream stream : held) {
				stream.close();
			}
			// The other tests of this deployment's gateway open streams too.
			awaitStreamsOfGateway(SharedLanyard.server().bean(RevocationStream.class), 0);
		}
	}

	/**
	 * Waits until the node holds no more than this many of the gateway's streams: it lets
	 * go of a closed one when a write to it fails (its comments come every 5 s; the first
	 * write after the peer closed may still succeed).
	 */
	private static void awaitStreamsOfGateway(RevocationStream streams, long most) throws InterruptedException {
		long deadline = System.nanoTime() + RevocationStream.KEEP_ALIVE.multipliedBy(4).toNanos();
		while (streams.streamsOf("gateway") > most && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(streams.streamsOf("gateway")).isLessThanOrEqualTo(most);
	}

	/**
	 * Outbox ids are taken at insert, rows appear at commit: a revocation whose
	 * transaction commits after a newer one's must still reach the gateway.
	 */
	@Test
	void streamWhenOlderRevocationCommitsLateThenStillSent() throws Exception {
		Stream stream = Stream.of(open(gateway(), null));
		assertThat(stream.next().name()).isEqualTo("reset");
		RevocationOutbox outbox = SharedLanyard.server().bean(RevocationOutbox.class);
		TransactionTemplate transactions = SharedLanyard.server().bean(TransactionTemplate.class);
		String lateHash = "late-" + UUID.randomUUID();
		String earlyHash = "early-" + UUID.randomUUID();
		CountDownLatch inserted = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> transactions.executeWithoutResult((tx) -> {
			outbox.add(List.of(lateHash), List.of(), "logout", true);
			inserted.countDown();
			try {
				commit.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}));
		assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
		outbox.add(List.of(earlyHash), List.of(), "logout", true);
		Event newer = stream.next();
		assertThat(newer.data()).contains(earlyHash);

		commit.countDown();
		slow.get(10, TimeUnit.SECONDS);
		Event older = stream.next();
		assertThat(older.data()).contains(lateHash);
		assertThat(Long.parseLong(older.id())).isLessThan(Long.parseLong(newer.id()));
		stream.close();
	}

	private String serviceToken() {
		HttpResponse<String> issued = this.flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials"));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		return (String) TestBrowser.json(issued).get("access_token");
	}

	private void revoke(String token) {
		HttpResponse<String> revoked = this.client.postForm(this.flows.url("/oauth2/revoke"), Map.of("token", token),
				"Authorization", basic("service", TestBootstrap.SERVICE_SECRET));
		assertThat(revoked.statusCode()).isEqualTo(200);
	}

	private HttpResponse<InputStream> open(String authorization, String lastEventId) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.flows.url("/revocations")))
			.header("Accept", "text/event-stream");
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
	}

	private static String gateway() {
		return basic("gateway", TestBootstrap.GATEWAY_SECRET);
	}

	private static String basic(String id, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	record Event(String id, String name, String data) {
	}

	/** Reads events from an open stream on a thread of its own. */
	static final class Stream implements AutoCloseable {

		private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

		private final InputStream body;

		private Stream(InputStream body) {
			this.body = body;
		}

		static Stream of(HttpResponse<InputStream> response) {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
			Stream stream = new Stream(response.body());
			Thread reader = new Thread(stream::read);
			reader.setDaemon(true);
			reader.start();
			return stream;
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8))) {
				String id = null;
				String name = null;
				StringBuilder data = new StringBuilder();
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.isEmpty()) {
						if (name != null) {
							this.events.add(new Event(id, name, data.toString()));
						}
						id = null;
						name = null;
						data.setLength(0);
					}
					else if (line.startsWith("id:")) {
						id = line.substring(3).strip();
					}
					else if (line.startsWith("event:")) {
						name = line.substring(6).strip();
					}
					else if (line.startsWith("data:")) {
						data.append(line.substring(5).strip());
					}
				}
			}
			catch (Exception ex) {
				// closed by the test
			}
		}

		Event next() throws InterruptedException {
			Event event = this.events.poll(5, TimeUnit.SECONDS);
			assertThat(event).as("an event within 5 s").isNotNull();
			return event;
		}

		@Override
		public void close() throws Exception {
			this.body.close();
		}

	}

}
