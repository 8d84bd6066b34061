package dev.lanyard.admin;

/**
 * Port: who is signed in to the console, and the re-authentication that security-relevant
 * changes ask for (OWASP ASVS 5.0 §7.5.1). Implemented by the server.
 */
public interface AdminIdentity {

	/** The administrator making the current request. */
	Actor current();

	/**
	 * Checks the current administrator's password again.
	 * @param password what they typed; may be {@code null}
	 * @return whether it is their password
	 */
	boolean confirmPassword(String password);

}
