package dev.lanyard.jwt.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.lanyard.jwt.SessionClaims;

/**
 * A request authenticated by a verified internal JWT, as Spring Security sees it.
 *
 * <ul>
 * <li>principal: the {@link SessionClaims} (also a controller argument, and
 * {@code @AuthenticationPrincipal SessionClaims session});</li>
 * <li>name: the subject ({@code sub}), the user's stable id;</li>
 * <li>authorities: {@code ROLE_<role>} for every entry of {@code roles}, so
 * {@code hasRole('admin')} works, and {@code SCOPE_<scope>} for every granted scope, so
 * {@code hasAuthority('SCOPE_orders.read')} works — the names Spring's own resource
 * server uses;</li>
 * <li>credentials: none; the token is never kept here (it stays in
 * {@link dev.lanyard.jwt.servlet.SessionContext} for forwarding).</li>
 * </ul>
 * Any other claim ({@code amr}, {@code acr}, attributes) is read from the principal.
 */
public final class LanyardAuthentication extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	/** Prefix of the authorities made from {@code roles}. */
	public static final String ROLE_PREFIX = "ROLE_";

	/** Prefix of the authorities made from the granted scopes. */
	public static final String SCOPE_PREFIX = "SCOPE_";

	private final SessionClaims session;

	/**
	 * @param session the verified claims, not {@code null}
	 */
	public LanyardAuthentication(SessionClaims session) {
		super(authorities(Objects.requireNonNull(session, "session")));
		this.session = session;
		super.setAuthenticated(true);
	}

	/** The authorities a session grants (see the class description). */
	public static List<GrantedAuthority> authorities(SessionClaims session) {
		List<GrantedAuthority> authorities = new ArrayList<>(session.roles().size() + session.scopes().size());
		session.roles().forEach((role) -> authorities.add(new SimpleGrantedAuthority(ROLE_PREFIX + role)));
		session.scopes().forEach((scope) -> authorities.add(new SimpleGrantedAuthority(SCOPE_PREFIX + scope)));
		return authorities;
	}

	/** The verified session. */
	public SessionClaims session() {
		return this.session;
	}

	@Override
	public SessionClaims getPrincipal() {
		return this.session;
	}

	/** None: the token is not kept in the security context. */
	@Override
	public Object getCredentials() {
		return null;
	}

	@Override
	public String getName() {
		return this.session.subject();
	}

	@Override
	public void setAuthenticated(boolean authenticated) {
		if (authenticated) {
			throw new IllegalArgumentException("Only a verified token makes a LanyardAuthentication authenticated");
		}
		super.setAuthenticated(false);
	}

}
