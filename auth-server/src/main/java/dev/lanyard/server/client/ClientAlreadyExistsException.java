package dev.lanyard.server.client;

/** A client with that client id is already registered. */
public class ClientAlreadyExistsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ClientAlreadyExistsException(String clientId) {
		super("A client with client_id '" + clientId + "' already exists");
	}

}
