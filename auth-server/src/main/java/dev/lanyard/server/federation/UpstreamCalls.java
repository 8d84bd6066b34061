package dev.lanyard.server.federation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.InterceptingClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;

/**
 * How Lanyard calls an upstream identity provider (discovery, token, user info, keys):
 * short connect and read timeouts, the whole exchange cut off after {@link #DEADLINE}, no
 * redirect followed (only the endpoints the provider names are called), and at most
 * {@link #LARGEST_ANSWER} bytes read of an answer. A read timeout bounds each read only:
 * a provider sending a byte every few seconds held the person's request thread for as
 * long as it liked, and an answer of gigabytes was read whole into memory (JSON parsers
 * set no limit by default). Thread-safe.
 */
public final class UpstreamCalls {

	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

	static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

	/** The longest an upstream call may take, answer read in full. */
	static final Duration DEADLINE = Duration.ofSeconds(10);

	/**
	 * The largest answer read: discovery documents, key sets and tokens are far smaller.
	 */
	static final int LARGEST_ANSWER = 1024 * 1024;

	private static final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "lanyard-upstream-deadlines");
		thread.setDaemon(true);
		return thread;
	});

	private UpstreamCalls() {
	}

	/** The request factory of every call to an upstream. */
	public static ClientHttpRequestFactory requestFactory() {
		SimpleClientHttpRequestFactory connections = new SimpleClientHttpRequestFactory() {
			@Override
			protected void prepareConnection(HttpURLConnection connection, String httpMethod) throws IOException {
				super.prepareConnection(connection, httpMethod);
				connection.setInstanceFollowRedirects(false);
				// Closing the connection from another thread ends a read under way; on
				// a thread of its own, as closing may wait for that read to return (a
				// deadline must never wait for another connection's).
				deadlines.schedule(() -> {
					Thread closing = new Thread(connection::disconnect, "lanyard-upstream-deadline");
					closing.setDaemon(true);
					closing.start();
				}, DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
			}
		};
		connections.setConnectTimeout(CONNECT_TIMEOUT);
		connections.setReadTimeout(READ_TIMEOUT);
		ClientHttpRequestInterceptor bounded = (request, body, execution) -> {
			long started = System.nanoTime();
			return new Bounded(execution.execute(request, body), started);
		};
		return new InterceptingClientHttpRequestFactory(connections, List.of(bounded));
	}

	/** An answer whose body ends in an error past {@link #LARGEST_ANSWER} bytes. */
	private static final class Bounded implements ClientHttpResponse {

		private final ClientHttpResponse response;

		private final long started;

		private InputStream body;

		Bounded(ClientHttpResponse response, long started) {
			this.response = response;
			this.started = started;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return this.response.getStatusCode();
		}

		@Override
		public String getStatusText() throws IOException {
			return this.response.getStatusText();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.response.getHeaders();
		}

		@Override
		public InputStream getBody() throws IOException {
			if (this.body == null) {
				this.body = new Limited(this.response.getBody(), this.started);
			}
			return this.body;
		}

		@Override
		public void close() {
			if (this.body instanceof Limited limited && limited.cut) {
				// Cut off: closed, not read to its end first (the framework drains a body
				// on close, to keep the connection, which a trickle or a flood would make
				// last as long as the upstream liked).
				limited.abort();
				return;
			}
			this.response.close();
		}

	}

	/**
	 * A body read only up to {@link #LARGEST_ANSWER} bytes and until {@link #DEADLINE}
	 * after the call began (checked at each read: a trickle returns often; a stall ends
	 * at the read timeout).
	 */
	private static final class Limited extends FilterInputStream {

		private final long started;

		private long read;

		/** Whether the body was cut off, past its size or its deadline. */
		private boolean cut;

		/** Closes the connection's stream as it is, unread. */
		void abort() {
			try {
				this.in.close();
			}
			catch (IOException ex) {
				// Closed either way.
			}
		}

		Limited(InputStream in, long started) {
			super(in);
			this.started = started;
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = super.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws IOException {
			this.read += n;
			if (this.read > LARGEST_ANSWER) {
				this.cut = true;
				throw new IOException("An upstream answer larger than " + LARGEST_ANSWER + " bytes");
			}
			if (System.nanoTime() - this.started > DEADLINE.toNanos()) {
				this.cut = true;
				throw new IOException("An upstream answer still coming after " + DEADLINE.toSeconds() + " s");
			}
		}

	}

}
