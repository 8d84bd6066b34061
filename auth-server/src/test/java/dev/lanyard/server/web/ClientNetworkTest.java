package dev.lanyard.server.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The network a client address stands for. */
class ClientNetworkTest {

	@Test
	void ofWhenIpv6ThenItsSlash64() {
		assertThat(ClientNetwork.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(ClientNetwork.of("[2001:DB8:1:2::1]")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(ClientNetwork.of("fe80::1%eth0")).isEqualTo("fe80:0:0:0:0:0:0:0/64");
	}

	@Test
	void ofWhenIpv4ThoughWrittenAsIpv6ThenTheIpv4Address() {
		assertThat(ClientNetwork.of("192.0.2.7")).isEqualTo("192.0.2.7");
		assertThat(ClientNetwork.of("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
		// NAT64 (RFC 6052): one IPv4 client each, not one /64 for all.
		assertThat(ClientNetwork.of("64:ff9b::192.0.2.7")).isEqualTo("192.0.2.7");
		assertThat(ClientNetwork.of("64:ff9b::c000:208")).isEqualTo("192.0.2.8");
	}

	/**
	 * What is no address literal is kept as it is. (That it is never looked up as a host
	 * name, the reason for the literal check, is not observable on Java 17.)
	 */
	@Test
	void ofWhenNotALiteralThenAsGiven() {
		assertThat(ClientNetwork.of(".:1")).isEqualTo(".:1");
		assertThat(ClientNetwork.of("..:")).isEqualTo("..:");
		assertThat(ClientNetwork.of("abc:def")).isEqualTo("abc:def");
		assertThat(ClientNetwork.of("host.example:80")).isEqualTo("host.example:80");
		assertThat(ClientNetwork.of("unknown")).isEqualTo("unknown");
	}

}
