package dev.lanyard.server.user;

/** No user account with that id. */
public class UserNotFoundException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public UserNotFoundException(String id) {
		super("No user with id " + id);
	}

}
