package dev.lanyard.server.login;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The remembered-device cookie across nodes whose clocks differ: one made by a node 30 s
 * ahead is this browser's on a node behind (it was an unknown device there, and the
 * person asked for a second factor again, for as long as the clocks differed); one
 * claiming to be made far in the future is not.
 */
class TrustedDevicesTest {

	private static final byte[] KEY = new byte[32];

	private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

	@Test
	void deviceOfWhenCookieMadeByANodeAheadThenKnownWithinTheTolerance() {
		String ahead = cookieMadeAt(NOW.plusSeconds(30));
		TrustedDevices behind = devicesAt(NOW);
		assertThat(behind.deviceOf(requestWith(ahead), "alice")).isNotNull();
		assertThat(behind.deviceOf(requestWith(ahead), "bob")).as("another account's").isNull();

		String future = cookieMadeAt(NOW.plus(TrustedDevices.CLOCK_TOLERANCE).plusSeconds(5));
		assertThat(behind.deviceOf(requestWith(future), "alice")).isNull();
	}

	private static String cookieMadeAt(Instant moment) {
		MockHttpServletResponse response = new MockHttpServletResponse();
		devicesAt(moment).remember(new MockHttpServletRequest(), response, "alice");
		return response.getCookie("LANYARD_DEVICE").getValue();
	}

	private static TrustedDevices devicesAt(Instant moment) {
		return new TrustedDevices(KEY, false, Clock.fixed(moment, ZoneOffset.UTC));
	}

	private static MockHttpServletRequest requestWith(String value) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setCookies(new Cookie("LANYARD_DEVICE", value));
		return request;
	}

}
