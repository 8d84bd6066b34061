package dev.lanyard.server.bootstrap;

/** The bootstrap file is not valid; the message names the file, line and field. */
public class BootstrapFileException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public BootstrapFileException(String message) {
		super(message);
	}

}
