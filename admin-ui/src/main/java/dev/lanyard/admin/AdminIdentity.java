package dev.lanyard.admin;

/**
 * Port: who is signed in to the console, and the re-authentication that security-relevant
 * changes ask for (OWASP ASVS 5.0 §7.5.1). Implemented by the server.
 */
public interface AdminIdentity {

	/** The role that opens the console. */
	String ADMIN_ROLE = "admin";

	/** The scope that opens the admin API. */
	String ADMIN_SCOPE = "admin";

	/** The administrator making the current request. */
	Actor current();

	/**
	 * Checks the current administrator's password again. Each check counts against the
	 * same guessing bound as the login page, so a hijacked console session cannot be used
	 * to guess the password.
	 * @param password what they typed; may be {@code null}
	 * @return whether it is their password (and the bound is not exhausted)
	 */
	boolean confirmPassword(String password);

}
