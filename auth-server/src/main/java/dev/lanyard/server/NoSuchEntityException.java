package dev.lanyard.server;

/** No such client, user, session or key. */
public class NoSuchEntityException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String what;

	public NoSuchEntityException(String what) {
		super(what + " not found");
		this.what = what;
	}

	/** What was looked for, e.g. {@code Client}. */
	public String what() {
		return this.what;
	}

}
