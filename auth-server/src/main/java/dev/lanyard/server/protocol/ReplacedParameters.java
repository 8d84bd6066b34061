package dev.lanyard.server.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose parameters are the given ones; everything else (headers, session) is
 * the request's own. The query string agrees with them: for a GET it is made of them, for
 * any other method there is none. The framework tells form parameters from query
 * parameters by the query string (a name found there is not read from the body), so a
 * query string of the browser's own, kept under replaced parameters, would let it hide a
 * parameter from the framework that Lanyard's rules read.
 */
final class ReplacedParameters extends HttpServletRequestWrapper {

	private final Map<String, String[]> parameters;

	ReplacedParameters(HttpServletRequest request, Map<String, String[]> parameters) {
		super(request);
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
	}

	@Override
	public String getQueryString() {
		if (!"GET".equals(getMethod())) {
			return null;
		}
		StringJoiner query = new StringJoiner("&");
		this.parameters.forEach((name, values) -> {
			for (String value : values) {
				query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
						+ URLEncoder.encode(value, StandardCharsets.UTF_8));
			}
		});
		return query.toString();
	}

	@Override
	public String getParameter(String name) {
		String[] values = this.parameters.get(name);
		return (values != null && values.length > 0) ? values[0] : null;
	}

	@Override
	public Map<String, String[]> getParameterMap() {
		return this.parameters;
	}

	@Override
	public Enumeration<String> getParameterNames() {
		return Collections.enumeration(this.parameters.keySet());
	}

	@Override
	public String[] getParameterValues(String name) {
		return this.parameters.get(name);
	}

}
