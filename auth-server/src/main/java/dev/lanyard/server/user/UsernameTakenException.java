package dev.lanyard.server.user;

/** Another account already has that username (usernames are unique regardless of case). */
public class UsernameTakenException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public UsernameTakenException(String username) {
		super("The username '" + username + "' is taken");
	}

}
