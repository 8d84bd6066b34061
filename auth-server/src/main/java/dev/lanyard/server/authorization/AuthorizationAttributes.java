package dev.lanyard.server.authorization;

/**
 * Names of the attributes Lanyard adds to an {@code OAuth2Authorization} when it reads
 * one from storage. They mirror columns and are never written back as attributes.
 */
public final class AuthorizationAttributes {

	/** The row version the authorization was read at (optimistic lock). */
	public static final String VERSION = "lanyard.version";

	/**
	 * When the grant began, as an {@link java.time.Instant}: bounds refresh-token
	 * lifetime.
	 */
	public static final String GRANT_STARTED_AT = "lanyard.grant_started_at";

	private AuthorizationAttributes() {
	}

	/** Whether an attribute is one of Lanyard's storage-derived attributes. */
	public static boolean isStorageDerived(String name) {
		return name.startsWith("lanyard.");
	}

}
