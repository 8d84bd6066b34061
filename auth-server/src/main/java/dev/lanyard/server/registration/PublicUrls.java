package dev.lanyard.server.registration;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a URL a dynamically registered client names for Lanyard to call (its
 * {@code jwks_uri}, its {@code backchannel_logout_uri}) is an {@code https} URL on a
 * public host: never {@code localhost}, never an address literal on the loopback,
 * private, link-local, unique-local or multicast ranges. A host name is not resolved here
 * (an operator who fears DNS answers pointing inside also filters outbound traffic).
 */
final class PublicUrls {

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final Pattern NUMERIC_LAST_LABEL = Pattern.compile("(.*\\.)?([0-9]+|0x[0-9a-f]*)\\.?");

	private PublicUrls() {
	}

	static boolean isPublicHttps(String value) {
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			return false;
		}
		if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
			return false;
		}
		// A trailing dot names the same host ("localhost." is localhost to a resolver).
		String host = uri.getHost().toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
		if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".local")
				|| host.endsWith(".internal")) {
			return false;
		}
		boolean literal = IPV4.matcher(host).matches() || host.startsWith("[");
		if (!literal) {
			// No host name ends with a number (RFC 3696 §2: top-level domains are not all
			// numeric): such a host is an address written another way, which the
			// resolver reads as one (https://2130706433/ and https://127.1/ are
			// 127.0.0.1, https://0x7f000001/ too).
			return !NUMERIC_LAST_LABEL.matcher(host).matches();
		}
		try {
			// A literal: no name lookup happens.
			InetAddress address = InetAddress
				.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
			byte[] bytes = address.getAddress();
			boolean uniqueLocal = bytes.length == 16 && (bytes[0] & 0xFE) == 0xFC;
			return !(address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
					|| address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocal
					|| (bytes.length == 4 && (bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64));
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
