package dev.lanyard.server.user;

import java.io.Serial;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The signed-in user as Spring Security sees it. Its {@link #getUsername() name} is the
 * account id, so that the principal name, the consent key and every token's {@code sub}
 * stay the same if the login name changes; {@link #loginName()} is what the person types.
 * Roles become authorities {@code ROLE_<role>}. Immutable apart from erasing the hash.
 */
public final class LanyardUser implements UserDetails, CredentialsContainer {

	@Serial
	private static final long serialVersionUID = 1L;

	private final UUID id;

	private final String loginName;

	private String passwordHash;

	private final boolean enabled;

	private final boolean locked;

	private final List<String> roles;

	/**
	 * The end of every sign-in of the account this sign-in goes on under: read with the
	 * account when it signed in, or the one it was carried past since; {@code null} if
	 * none.
	 */
	private final Instant signInsNotBefore;

	/**
	 * Whether {@link #signInsNotBefore} was kept: not by a principal an older node made
	 * (a session or grant of a rolling upgrade), which is judged by its sign-in time.
	 */
	private final boolean signInsNotBeforeKept;

	/**
	 * A principal that keeps no end of every sign-in (as an older node's did): judged by
	 * its sign-in time.
	 */
	public LanyardUser(UUID id, String loginName, String passwordHash, boolean enabled, boolean locked,
			List<String> roles) {
		this(id, loginName, passwordHash, enabled, locked, roles, null, false);
	}

	/**
	 * A principal that keeps the end of every sign-in it goes on under.
	 * @param signInsNotBefore as stored with the account; {@code null} if none
	 */
	public LanyardUser(UUID id, String loginName, String passwordHash, boolean enabled, boolean locked,
			List<String> roles, Instant signInsNotBefore) {
		this(id, loginName, passwordHash, enabled, locked, roles, signInsNotBefore, true);
	}

	private LanyardUser(UUID id, String loginName, String passwordHash, boolean enabled, boolean locked,
			List<String> roles, Instant signInsNotBefore, boolean signInsNotBeforeKept) {
		this.id = id;
		this.loginName = loginName;
		this.passwordHash = passwordHash;
		this.enabled = enabled;
		this.locked = locked;
		this.roles = List.copyOf(roles);
		this.signInsNotBefore = signInsNotBefore;
		this.signInsNotBeforeKept = signInsNotBeforeKept;
	}

	/**
	 * The principal of a sign-in to this account that checked no password here (a
	 * passkey, an upstream identity provider): active, and no hash to carry.
	 */
	public static LanyardUser signedIn(UserAccount account) {
		return new LanyardUser(account.id(), account.username(), null, true, false, account.roles(),
				account.signInsNotBefore());
	}

	static LanyardUser of(UserAccount account) {
		return new LanyardUser(account.id(), account.username(), account.passwordHash(), account.enabled(),
				account.locked(), account.roles(), account.signInsNotBefore());
	}

	/**
	 * The same principal with another password hash (an upgrade of the one just checked).
	 */
	LanyardUser withPasswordHash(String hash) {
		return new LanyardUser(this.id, this.loginName, hash, this.enabled, this.locked, this.roles,
				this.signInsNotBefore, this.signInsNotBeforeKept);
	}

	/**
	 * The same principal, going on past an end of every other sign-in of the account made
	 * from its own session ({@code cutOff}, as stored).
	 */
	public LanyardUser carriedPast(Instant cutOff) {
		return new LanyardUser(this.id, this.loginName, this.passwordHash, this.enabled, this.locked, this.roles,
				cutOff);
	}

	public UUID id() {
		return this.id;
	}

	public String loginName() {
		return this.loginName;
	}

	public List<String> roles() {
		return this.roles;
	}

	/**
	 * The end of every sign-in this sign-in goes on under
	 * ({@link UserAccount#signInsNotBefore}), if {@link #signInsNotBeforeKept() kept};
	 * may be {@code null}.
	 */
	public Instant signInsNotBefore() {
		return this.signInsNotBefore;
	}

	/** Whether this principal keeps {@link #signInsNotBefore()}. */
	public boolean signInsNotBeforeKept() {
		return this.signInsNotBeforeKept;
	}

	@Override
	public Collection<? extends GrantedAuthority> getAuthorities() {
		return this.roles.stream().map((role) -> new SimpleGrantedAuthority("ROLE_" + role)).toList();
	}

	@Override
	public String getPassword() {
		return this.passwordHash;
	}

	/** The account id: the principal name and {@code sub}. */
	@Override
	public String getUsername() {
		return this.id.toString();
	}

	@Override
	public boolean isAccountNonLocked() {
		return !this.locked;
	}

	@Override
	public boolean isEnabled() {
		return this.enabled;
	}

	@Override
	public void eraseCredentials() {
		this.passwordHash = null;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof LanyardUser user && this.id.equals(user.id);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.id);
	}

	@Override
	public String toString() {
		return "LanyardUser[" + this.loginName + "]";
	}

}
