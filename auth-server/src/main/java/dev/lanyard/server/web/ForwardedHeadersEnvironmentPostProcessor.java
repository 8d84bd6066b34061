package dev.lanyard.server.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Forwarded headers ({@code X-Forwarded-For}, {@code X-Forwarded-Proto}) are believed
 * only from proxies the operator names in {@code LANYARD_TRUSTED_PROXIES}
 * (comma-separated addresses or CIDR blocks). Otherwise they are ignored, explicitly:
 * Spring Boot would switch forwarded-header handling on by itself on Kubernetes, and
 * Tomcat's default list of trusted proxies is every private network, so anyone inside the
 * cluster could choose their client address (and escape the per-address login throttle).
 * <p>
 * {@code SERVER_FORWARD_HEADERS_STRATEGY=native} is accepted only with an explicit
 * {@code SERVER_TOMCAT_REMOTEIP_INTERNALPROXIES}; {@code framework} trusts every sender
 * and is refused. The host a request names is never used for absolute URLs
 * ({@link IssuerOriginFilter}).
 */
public class ForwardedHeadersEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String TRUSTED_PROXIES = "lanyard.trusted-proxies";

	private static final String STRATEGY = "server.forward-headers-strategy";

	private static final String INTERNAL_PROXIES = "server.tomcat.remoteip.internal-proxies";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String trusted = environment.getProperty(TRUSTED_PROXIES, "").strip();
		String strategy = environment.getProperty(STRATEGY, "").strip().toLowerCase(Locale.ROOT);
		Map<String, Object> settings = new LinkedHashMap<>();
		if (!trusted.isEmpty()) {
			if (!strategy.isEmpty() && !strategy.equals("native")) {
				throw new IllegalStateException("LANYARD_TRUSTED_PROXIES uses Tomcat's forwarded-header handling; "
						+ "remove SERVER_FORWARD_HEADERS_STRATEGY=" + strategy);
			}
			settings.put(STRATEGY, "native");
			settings.put(INTERNAL_PROXIES, cidrBlocks(trusted));
			settings.put("server.tomcat.remoteip.remote-ip-header", "X-Forwarded-For");
			settings.put("server.tomcat.remoteip.protocol-header", "X-Forwarded-Proto");
			// Absolute URLs come from the issuer, so the forwarded host is never read.
			settings.put("server.tomcat.remoteip.host-header", "X-Lanyard-Ignored-Host");
			settings.put("server.tomcat.remoteip.port-header", "X-Lanyard-Ignored-Port");
		}
		else if (strategy.isEmpty() || strategy.equals("none")) {
			settings.put(STRATEGY, "none");
		}
		else if (!strategy.equals("native") || environment.getProperty(INTERNAL_PROXIES, "").isBlank()) {
			throw new IllegalStateException("SERVER_FORWARD_HEADERS_STRATEGY=" + strategy + " would believe "
					+ "X-Forwarded-For from any sender on a private network; set LANYARD_TRUSTED_PROXIES to the "
					+ "addresses (or CIDR blocks) of your reverse proxies instead");
		}
		// First: this is the decision, taken from what the deployment set above.
		environment.getPropertySources().addFirst(new MapPropertySource("lanyardForwardedHeaders", settings));
	}

	/** "10.0.0.7, 10.1.0.0/16" as Tomcat's CIDR list, each address its own block. */
	static String cidrBlocks(String trusted) {
		List<String> blocks = new ArrayList<>();
		for (String entry : trusted.split(",")) {
			String value = entry.strip();
			if (value.isEmpty()) {
				continue;
			}
			String address = value.contains("/") ? value.substring(0, value.indexOf('/')) : value;
			if (!address.matches("[0-9a-fA-F:.]+")) {
				throw new IllegalStateException("LANYARD_TRUSTED_PROXIES: '" + value
						+ "' is not an IP address or CIDR block (host names are not accepted)");
			}
			try {
				InetAddress parsed = InetAddress.getByName(address);
				blocks
					.add(value.contains("/") ? value : address + ((parsed.getAddress().length == 4) ? "/32" : "/128"));
			}
			catch (UnknownHostException ex) {
				throw new IllegalStateException("LANYARD_TRUSTED_PROXIES: '" + value + "' is not an IP address");
			}
		}
		return String.join(",", blocks);
	}

}
