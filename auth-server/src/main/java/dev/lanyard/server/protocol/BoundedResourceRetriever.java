package dev.lanyard.server.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * Fetches a document a client registered (its {@code jwks_uri}) within a deadline for the
 * whole answer, at most so many bytes, never following a redirect. A connect timeout and
 * a timeout on each read (nimbus's own retriever) bound nothing: a host sending a byte
 * every second held the request thread that fetched it for hours, and the fetch runs on a
 * request thread (a client authenticating, a request object). The JDK's client with the
 * exchange cancelled at the deadline, as the back-channel logout delivery does.
 * Thread-safe.
 */
final class BoundedResourceRetriever implements ResourceRetriever {

	private final HttpClient http;

	private final Duration deadline;

	private final int sizeLimit;

	BoundedResourceRetriever(Duration deadline, int sizeLimit) {
		this.deadline = deadline;
		this.sizeLimit = sizeLimit;
		this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(deadline).build();
	}

	@Override
	public Resource retrieveResource(URL url) throws IOException {
		HttpRequest request;
		try {
			request = HttpRequest.newBuilder(url.toURI())
				.timeout(this.deadline)
				.header("Accept", "application/jwk-set+json, application/json")
				.GET()
				.build();
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new IOException("Not a URL to fetch: " + ex.getMessage(), ex);
		}
		CompletableFuture<HttpResponse<byte[]>> answer = this.http.sendAsync(request,
				(info) -> new LimitedBody(this.sizeLimit));
		try {
			HttpResponse<byte[]> response = answer.get(this.deadline.toMillis(), TimeUnit.MILLISECONDS);
			if (response.statusCode() != 200) {
				throw new IOException("Answered " + response.statusCode());
			}
			return new Resource(new String(response.body(), StandardCharsets.UTF_8),
					response.headers().firstValue("Content-Type").orElse(null));
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			throw new IOException("No whole answer within " + this.deadline.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
		}
		catch (InterruptedException ex) {
			answer.cancel(true);
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
	}

	/** The body, refused once it grows past the limit (the exchange is then dropped). */
	private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

		private final CompletableFuture<byte[]> body = new CompletableFuture<>();

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private final int limit;

		private Flow.Subscription subscription;

		LimitedBody(int limit) {
			this.limit = limit;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.body;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> items) {
			for (ByteBuffer item : items) {
				if (this.bytes.size() + item.remaining() > this.limit) {
					this.subscription.cancel();
					this.body.completeExceptionally(new IOException("Larger than " + this.limit + " bytes"));
					return;
				}
				byte[] chunk = new byte[item.remaining()];
				item.get(chunk);
				this.bytes.write(chunk, 0, chunk.length);
			}
		}

		@Override
		public void onError(Throwable error) {
			this.body.completeExceptionally(error);
		}

		@Override
		public void onComplete() {
			this.body.complete(this.bytes.toByteArray());
		}

	}

}
