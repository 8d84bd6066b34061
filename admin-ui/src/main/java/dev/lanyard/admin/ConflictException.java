package dev.lanyard.admin;

/**
 * The change conflicts with what exists (e.g. a client id already taken). The API answers
 * 409.
 */
public class ConflictException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * The field of a conflict with a change made since the entity was shown: saving would
	 * undo that change unseen.
	 */
	public static final String CHANGED_MEANWHILE = "version";

	private final String field;

	public ConflictException(String field, String message) {
		super(message);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
