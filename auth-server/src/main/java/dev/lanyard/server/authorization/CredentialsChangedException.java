package dev.lanyard.server.authorization;

/**
 * A client's own grant was not written: the client's credentials changed since it
 * authenticated with them ({@link CredentialsAuthenticatedWith}).
 */
class CredentialsChangedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	CredentialsChangedException() {
		super("The client's credentials changed since it authenticated");
	}

}
