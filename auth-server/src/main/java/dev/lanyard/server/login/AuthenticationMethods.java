package dev.lanyard.server.login;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.secondfactor.SecondFactors;

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

	/** Two factors or more (a password and a code from an authenticator app). */
	public static final String MULTI_FACTOR = "urn:lanyard:acr:multi-factor";

	/** Every class Lanyard can satisfy today. */
	public static final List<String> SUPPORTED_CONTEXTS = List.of(SINGLE_FACTOR, MULTI_FACTOR);

	/**
	 * The authenticator verified its user (a PIN or a biometric) when a passkey signed in
	 * alone: with the key it holds, two factors in one device (NIST SP 800-63B
	 * multi-factor cryptographic authenticator). No {@code amr} value of its own.
	 */
	public static final String USER_VERIFICATION_AUTHORITY = "FACTOR_USER_VERIFICATION";

	/**
	 * The person signed in at an upstream identity provider: {@code amr} {@code fed}. Not
	 * one of RFC 8176's values (it has none for federation); the value Microsoft Entra ID
	 * uses, listed in Lanyard's README.
	 */
	public static final String FEDERATED_AUTHORITY = "FACTOR_FEDERATED";

	/**
	 * The upstream identity provider said its sign-in had several factors ({@code amr}
	 * {@code mfa}) and its settings trust that: {@code mfa} here too.
	 */
	public static final String UPSTREAM_MFA_AUTHORITY = "FACTOR_UPSTREAM_MFA";

	/** RFC 8176 §2: "Multiple-factor authentication". */
	public static final String MULTIPLE_FACTORS = "mfa";

	/**
	 * RFC 8176 §2: {@code pwd} password, {@code hwk} proof of a hardware-bound key,
	 * {@code otp} one-time password (an authenticator app's code or a recovery code).
	 */
	private static final Map<String, String> BY_FACTOR = Map.of(FactorGrantedAuthority.PASSWORD_AUTHORITY, "pwd",
			FactorGrantedAuthority.WEBAUTHN_AUTHORITY, "hwk", SecondFactors.TOTP_AUTHORITY, "otp",
			SecondFactors.RECOVERY_CODE_AUTHORITY, "otp", FEDERATED_AUTHORITY, "fed");

	private AuthenticationMethods() {
	}

	/**
	 * The {@code amr} of a user's authentication: one value per kind of factor (the
	 * password first), then {@code mfa} when two kinds of factor or more were proven;
	 * empty for anything but a sign-in (a client's own token).
	 */
	public static List<String> of(Authentication authentication) {
		List<String> methods = new ArrayList<>(3);
		for (GrantedAuthority authority : factorsOf(authentication)) {
			String method = BY_FACTOR.get(authority.getAuthority());
			if (method != null && !methods.contains(method)) {
				methods.add(method);
			}
		}
		methods.sort(Comparator.comparing((method) -> !"pwd".equals(method) && !"fed".equals(method)));
		boolean verifiedDevice = methods.contains("hwk") && factorsOf(authentication).stream()
			.anyMatch((factor) -> USER_VERIFICATION_AUTHORITY.equals(factor.getAuthority()));
		boolean upstreamMultiFactor = methods.contains("fed") && factorsOf(authentication).stream()
			.anyMatch((factor) -> UPSTREAM_MFA_AUTHORITY.equals(factor.getAuthority()));
		if (methods.size() > 1 || verifiedDevice || upstreamMultiFactor) {
			methods.add(MULTIPLE_FACTORS);
		}
		return List.copyOf(methods);
	}

	/** The factors Spring Security recorded on an authentication. */
	public static List<FactorGrantedAuthority> factorsOf(Authentication authentication) {
		List<FactorGrantedAuthority> factors = new ArrayList<>(2);
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			if (authority instanceof FactorGrantedAuthority factor) {
				factors.add(factor);
			}
		}
		return factors;
	}

	/**
	 * Whether a sign-in with these methods meets an authentication context class: a
	 * multi-factor sign-in meets the single-factor class too.
	 */
	public static boolean meets(List<String> methods, String context) {
		return SINGLE_FACTOR.equals(context) && !methods.isEmpty()
				|| MULTI_FACTOR.equals(context) && methods.contains(MULTIPLE_FACTORS);
	}

	/**
	 * The {@code acr} to state for a sign-in when the client asked for essential values:
	 * one of those it meets, the strongest first (OpenID Connect Core §5.5.1.1: the value
	 * returned must be one of those requested); else {@link #contextOf}.
	 */
	public static String contextOf(List<String> methods, Collection<String> essential) {
		for (String context : List.of(MULTI_FACTOR, SINGLE_FACTOR)) {
			if (essential.contains(context) && meets(methods, context)) {
				return context;
			}
		}
		return contextOf(methods);
	}

	/**
	 * The {@code acr} these methods satisfy, or {@code null} for none.
	 */
	public static String contextOf(List<String> methods) {
		if (methods.isEmpty()) {
			return null;
		}
		return methods.contains(MULTIPLE_FACTORS) ? MULTI_FACTOR : SINGLE_FACTOR;
	}

}
