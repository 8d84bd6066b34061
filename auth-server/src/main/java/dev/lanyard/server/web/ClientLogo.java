package dev.lanyard.server.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.ui.Model;

/**
 * A client's registered logo on one of Lanyard's pages (login, consent, device
 * activation). The page names the logo in the model as {@code clientLogo}, and its
 * Content-Security-Policy lets images come from the logo's origin as well: the policy is
 * written before the security headers are, which then leave it alone. Only the origin,
 * rebuilt from the parsed URL's scheme, host and port, goes into the header, so no
 * registered value can add a directive of its own. The page sends no referrer (LG-15), so
 * the logo's host does not learn who signs in where.
 */
public final class ClientLogo {

	private ClientLogo() {
	}

	/**
	 * Shows the logo, if the client registered one.
	 * @param logoUri the registered logo URL, or {@code null}
	 */
	public static void show(Model model, HttpServletResponse response, String logoUri) {
		String origin = originOf(logoUri);
		if (origin == null) {
			return;
		}
		model.addAttribute("clientLogo", logoUri);
		response.setHeader("Content-Security-Policy", SecurityHeadersPolicy.CONTENT_SECURITY_POLICY
			.replace("img-src 'self' data:", "img-src 'self' data: " + origin));
	}

	/** {@code scheme://host[:port]} of an http(s) URL, or {@code null}. */
	static String originOf(String url) {
		if (url == null) {
			return null;
		}
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
				return null;
			}
			return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT)
					+ ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

}
