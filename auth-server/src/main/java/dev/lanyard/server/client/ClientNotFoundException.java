package dev.lanyard.server.client;

/** No client with that client id. */
public class ClientNotFoundException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ClientNotFoundException(String clientId) {
		super("No client with client_id '" + clientId + "'");
	}

}
