package dev.lanyard.admin;

/** No such client, user, session or key. The API answers 404. */
public class NotFoundException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public NotFoundException(String what) {
		super(what + " not found");
	}

}
