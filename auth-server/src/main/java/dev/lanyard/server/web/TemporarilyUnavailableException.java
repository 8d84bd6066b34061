package dev.lanyard.server.web;

/**
 * The server cannot take this request just now, through no fault of the request (too many
 * of its kind at once): answered {@code 503} with {@code Retry-After} by
 * {@link StorageFailureFilter}, like a backend outage. The message is for the log and
 * names no value of the request.
 */
public class TemporarilyUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TemporarilyUnavailableException(String message) {
		super(message, null, false, false);
	}

}
