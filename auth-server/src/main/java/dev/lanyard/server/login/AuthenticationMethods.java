package dev.lanyard.server.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;

/**
 * How a user signed in, as tokens say it: {@code amr} (RFC 8176 §2 values) from the
 * factors Spring Security records on the authentication ({@link FactorGrantedAuthority}),
 * and the {@code acr} that sign-in satisfies (OpenID Connect Core §2). Lanyard's
 * authentication context classes are its own URNs, listed in discovery's
 * {@code acr_values_supported}.
 */
public final class AuthenticationMethods {

	/** One factor (a password). */
	public static final String SINGLE_FACTOR = "urn:lanyard:acr:single-factor";

	/** Every class Lanyard can satisfy today. */
	public static final List<String> SUPPORTED_CONTEXTS = List.of(SINGLE_FACTOR);

	/** RFC 8176 §2: {@code pwd} password, {@code hwk} proof of a hardware-bound key. */
	private static final Map<String, String> BY_FACTOR = Map.of(FactorGrantedAuthority.PASSWORD_AUTHORITY, "pwd",
			FactorGrantedAuthority.WEBAUTHN_AUTHORITY, "hwk");

	private AuthenticationMethods() {
	}

	/**
	 * The {@code amr} of a user's authentication: one value per factor, in the order they
	 * were proven; empty for anything but a sign-in (a client's own token).
	 */
	public static List<String> of(Authentication authentication) {
		List<String> methods = new ArrayList<>(1);
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			String method = (authority instanceof FactorGrantedAuthority factor) ? BY_FACTOR.get(factor.getAuthority())
					: null;
			if (method != null && !methods.contains(method)) {
				methods.add(method);
			}
		}
		return List.copyOf(methods);
	}

	/**
	 * The {@code acr} these methods satisfy, or {@code null} for none.
	 */
	public static String contextOf(List<String> methods) {
		return methods.isEmpty() ? null : SINGLE_FACTOR;
	}

}
