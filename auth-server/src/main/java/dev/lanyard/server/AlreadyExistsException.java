package dev.lanyard.server;

/**
 * The change would take what another entity holds (a client id, a username). Nothing was
 * changed.
 */
public class AlreadyExistsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String field;

	public AlreadyExistsException(String field, String message) {
		super(message);
		this.field = field;
	}

	/** The field whose value is taken. */
	public String field() {
		return this.field;
	}

}
