package dev.lanyard.server.user;

/** A user account change broke a rule; nothing was stored. */
public class InvalidUserException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String field;

	private final String code;

	public InvalidUserException(String field, String code) {
		super("Invalid " + field + ": " + code);
		this.field = field;
		this.code = code;
	}

	public String field() {
		return this.field;
	}

	public String code() {
		return this.code;
	}

}
