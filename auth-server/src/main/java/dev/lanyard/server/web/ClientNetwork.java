package dev.lanyard.server.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The network a client address stands for where Lanyard counts clients (throttles, the
 * audit log's once-a-minute events).
 */
public final class ClientNetwork {

	private ClientNetwork() {
	}

	/**
	 * The part of a client address that one client holds, as its attempts count: an IPv4
	 * address whole, an IPv6 address's /64. A host picks the interface identifier, the
	 * last 64 bits, itself (RFC 4291 §2.5.1; a new one as often as it likes, RFC 8981),
	 * and a subscriber is given at least a /64: counted per address, one attacker would
	 * have 2^64 budgets. An IPv4 address written as IPv6 ({@code ::ffff:192.0.2.7}, or
	 * through NAT64 {@code 64:ff9b::192.0.2.7}) is the IPv4 address.
	 * @param address a literal address, as the connection or a trusted proxy gives it
	 */
	public static String of(String address) {
		// Literals only: InetAddress would look a host name up.
		if (address.indexOf(':') < 0 || !IPV6_LITERAL.matcher(address).matches()) {
			return address;
		}
		try {
			String literal = address.replace("[", "").replace("]", "").replaceFirst("%.*$", "");
			InetAddress parsed = InetAddress.getByName(literal);
			if (!(parsed instanceof Inet6Address)) {
				return parsed.getHostAddress();
			}
			byte[] bytes = parsed.getAddress();
			if (Arrays.equals(bytes, 0, 12, NAT64_PREFIX, 0, 12)) {
				// One IPv4 client each, not one /64 for all of them.
				return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)).getHostAddress();
			}
			byte[] prefix = Arrays.copyOf(bytes, 16);
			Arrays.fill(prefix, 8, 16, (byte) 0);
			return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
		}
		catch (UnknownHostException ex) {
			return address;
		}
	}

	// Starts with a hex digit or a colon: InetAddress takes anything else (".:1") for a
	// host name, and would ask the resolver.
	private static final Pattern IPV6_LITERAL = Pattern
		.compile("\\[?[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[0-9A-Za-z._-]+)?\\]?");

	/**
	 * RFC 6052 §2.1: IPv4 clients behind NAT64 appear as 64:ff9b::&lt;IPv4 address&gt;.
	 */
	private static final byte[] NAT64_PREFIX = { 0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };

}
