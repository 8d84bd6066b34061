package dev.lanyard.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.web.util.UriUtils;

/**
 * Adds response parameters to a registered redirect URI. RFC 6749 §3.1.2: the redirect
 * URI "MAY include an application/x-www-form-urlencoded formatted query component, which
 * MUST be retained when adding additional query parameters". The registered string is
 * kept exactly as registered (never parsed and rebuilt, which would re-encode or reject
 * what a client registered, such as {@code =} inside a query value); each added name and
 * value is percent-encoded. Registered redirect URIs never have a fragment (refused at
 * registration).
 */
public final class RedirectUriParameters {

	private RedirectUriParameters() {
	}

	/**
	 * The redirect URI with the parameters appended to its query.
	 * @param redirectUri a registered (already validated) redirect URI
	 * @param parameters names and values in order; {@code null} values are left out
	 */
	public static String append(String redirectUri, Map<String, String> parameters) {
		StringBuilder uri = new StringBuilder(redirectUri);
		boolean hasQuery = redirectUri.indexOf('?') >= 0;
		boolean open = redirectUri.endsWith("?") || redirectUri.endsWith("&");
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			if (parameter.getValue() == null) {
				continue;
			}
			if (!open) {
				uri.append(hasQuery ? '&' : '?');
			}
			uri.append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
			hasQuery = true;
			open = false;
		}
		return uri.toString();
	}

	/**
	 * The redirect URI with the parameters as its fragment, for responses the fragment
	 * carries (OAuth 2.0 Multiple Response Type Encoding Practices §2.1).
	 */
	public static String appendFragment(String redirectUri, Map<String, String> parameters) {
		StringBuilder fragment = new StringBuilder();
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			if (parameter.getValue() == null) {
				continue;
			}
			fragment.append(fragment.isEmpty() ? "" : "&")
				.append(encode(parameter.getKey()))
				.append('=')
				.append(encode(parameter.getValue()));
		}
		return redirectUri + "#" + fragment;
	}

	private static String encode(String value) {
		return UriUtils.encode(value, StandardCharsets.UTF_8);
	}

}
