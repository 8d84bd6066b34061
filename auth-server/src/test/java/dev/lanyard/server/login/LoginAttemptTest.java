package dev.lanyard.server.login;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attempt counts under: a client's IPv6 addresses count as their /64 (a host
 * picks the last 64 bits itself, as often as it likes), an IPv4 address whole.
 */
class LoginAttemptTest {

	@Test
	void addressKeyWhenIpv6AddressesOfOneSlash64ThenOneKey() {
		String first = LoginAttempt.of("bob", null, "2001:db8:1:2:aaaa:bbbb:cccc:dddd").addressKey();

		assertThat(LoginAttempt.of("bob", null, "2001:db8:1:2::1").addressKey()).isEqualTo(first);
		assertThat(LoginAttempt.of("bob", null, "2001:0DB8:0001:0002:0:0:0:ffff").addressKey()).isEqualTo(first);
		assertThat(LoginAttempt.of("bob", null, "[2001:db8:1:2::9]").addressKey()).isEqualTo(first);
		assertThat(LoginAttempt.of("bob", null, "2001:db8:1:3::1").addressKey()).isNotEqualTo(first);
		assertThat(LoginAttempt.forPurpose("device-authorization", null, "2001:db8:1:2::1").addressKey())
			.isEqualTo(LoginAttempt.forPurpose("device-authorization", null, "2001:db8:1:2:ffff::2").addressKey())
			.isNotEqualTo(first);
	}

	@Test
	void addressKeyWhenIpv4ThenTheAddressWholeAndTheSameWrittenAsIpv6() {
		String ipv4 = LoginAttempt.of(null, null, "192.0.2.7").addressKey();

		assertThat(LoginAttempt.of(null, null, "::ffff:192.0.2.7").addressKey()).isEqualTo(ipv4);
		assertThat(LoginAttempt.of(null, null, "192.0.2.8").addressKey()).isNotEqualTo(ipv4);
		assertThat(LoginAttempt.of(null, null, "not-an-address").addressKey()).isNotEqualTo(ipv4);
	}

	/** One attacker rotating through its /64 has one address budget, not 2^64. */
	@Test
	void tryAcquireWhenEachAttemptFromANewAddressOfOneSlash64ThenTheAddressBoundHolds() {
		InMemoryLoginThrottle throttle = new InMemoryLoginThrottle(1000, 5, Duration.ofMinutes(15), Clock.systemUTC());
		int allowed = 0;
		for (int i = 1; i <= 20; i++) {
			allowed += throttle
				.tryAcquire(LoginAttempt.of("user-" + i, null, "2001:db8:1:2::" + Integer.toHexString(i))) ? 1 : 0;
		}
		assertThat(allowed).isEqualTo(5);
	}

}
