package dev.lanyard.server.login;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.lanyard.server.secondfactor.SecondFactors;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decisions behind {@code amr} and {@code acr} (RFC 8176, OpenID Connect Core §2 and
 * §5.5.1.1) from the factors Spring Security recorded on a sign-in.
 */
class AuthenticationMethodsTest {

	@Test
	void ofWhenFactorsThenRfc8176ValuesPasswordFirstAndMfaForTwoKinds() {
		assertThat(AuthenticationMethods.of(signIn(FactorGrantedAuthority.PASSWORD_AUTHORITY))).containsExactly("pwd");
		assertThat(AuthenticationMethods
			.of(signIn(SecondFactors.TOTP_AUTHORITY, FactorGrantedAuthority.PASSWORD_AUTHORITY)))
			.containsExactly("pwd", "otp", "mfa");
		assertThat(AuthenticationMethods
			.of(signIn(FactorGrantedAuthority.PASSWORD_AUTHORITY, SecondFactors.RECOVERY_CODE_AUTHORITY)))
			.containsExactly("pwd", "otp", "mfa");
		assertThat(AuthenticationMethods
			.of(signIn(FactorGrantedAuthority.PASSWORD_AUTHORITY, FactorGrantedAuthority.WEBAUTHN_AUTHORITY)))
			.containsExactly("pwd", "hwk", "mfa");
		// The same kind twice is one factor.
		assertThat(AuthenticationMethods
			.of(signIn(FactorGrantedAuthority.PASSWORD_AUTHORITY, FactorGrantedAuthority.PASSWORD_AUTHORITY)))
			.containsExactly("pwd");
		// A client's own token: no sign-in, no methods.
		assertThat(AuthenticationMethods.of(signIn())).isEmpty();
	}

	/**
	 * A passkey alone is two factors only when the authenticator verified its user.
	 */
	@Test
	void ofWhenPasskeyAloneThenMultiFactorOnlyWithUserVerification() {
		assertThat(AuthenticationMethods.of(signIn(FactorGrantedAuthority.WEBAUTHN_AUTHORITY))).containsExactly("hwk");
		assertThat(AuthenticationMethods
			.of(signIn(FactorGrantedAuthority.WEBAUTHN_AUTHORITY, AuthenticationMethods.USER_VERIFICATION_AUTHORITY)))
			.containsExactly("hwk", "mfa");
		// User verification without the key proves nothing by itself.
		assertThat(AuthenticationMethods
			.of(signIn(FactorGrantedAuthority.PASSWORD_AUTHORITY, AuthenticationMethods.USER_VERIFICATION_AUTHORITY)))
			.containsExactly("pwd");
	}

	@Test
	void contextWhenMethodsThenClassMetAndEssentialValueNamed() {
		List<String> password = List.of("pwd");
		List<String> twoFactors = List.of("pwd", "otp", "mfa");
		assertThat(AuthenticationMethods.contextOf(List.of())).isNull();
		assertThat(AuthenticationMethods.contextOf(password)).isEqualTo(AuthenticationMethods.SINGLE_FACTOR);
		assertThat(AuthenticationMethods.contextOf(twoFactors)).isEqualTo(AuthenticationMethods.MULTI_FACTOR);
		assertThat(AuthenticationMethods.meets(twoFactors, AuthenticationMethods.SINGLE_FACTOR)).isTrue();
		assertThat(AuthenticationMethods.meets(password, AuthenticationMethods.MULTI_FACTOR)).isFalse();
		assertThat(AuthenticationMethods.meets(password, "urn:elsewhere:acr")).isFalse();
		// §5.5.1.1: the value returned is one of those asked for, the strongest met.
		assertThat(AuthenticationMethods.contextOf(twoFactors, Set.of(AuthenticationMethods.SINGLE_FACTOR)))
			.isEqualTo(AuthenticationMethods.SINGLE_FACTOR);
		assertThat(AuthenticationMethods.contextOf(twoFactors,
				Set.of(AuthenticationMethods.SINGLE_FACTOR, AuthenticationMethods.MULTI_FACTOR)))
			.isEqualTo(AuthenticationMethods.MULTI_FACTOR);
		assertThat(AuthenticationMethods.contextOf(password, Set.of(AuthenticationMethods.MULTI_FACTOR)))
			.as("not met: the class the sign-in did meet")
			.isEqualTo(AuthenticationMethods.SINGLE_FACTOR);
	}

	private static Authentication signIn(String... factors) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		authorities.add(new SimpleGrantedAuthority("ROLE_user"));
		for (String factor : factors) {
			authorities.add(FactorGrantedAuthority.withAuthority(factor).issuedAt(Instant.EPOCH).build());
		}
		return UsernamePasswordAuthenticationToken.authenticated("someone", null, authorities);
	}

}
