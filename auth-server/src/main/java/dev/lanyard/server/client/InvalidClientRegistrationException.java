package dev.lanyard.server.client;

import java.util.List;

/** A client registration broke one or more rules; nothing was stored. */
public class InvalidClientRegistrationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final List<FieldError> errors;

	public InvalidClientRegistrationException(List<FieldError> errors) {
		super("Invalid client registration: " + errors);
		this.errors = List.copyOf(errors);
	}

	public List<FieldError> errors() {
		return this.errors;
	}

}
