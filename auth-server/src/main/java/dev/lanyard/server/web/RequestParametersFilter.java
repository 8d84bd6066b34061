package dev.lanyard.server.web;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a request's parameters before anything else does, and answers one whose
 * parameters cannot be read (a form over the size limit, too many parameters, broken
 * encoding) with the status the container gives it (400 or 413) and OAuth error JSON.
 * Otherwise the first component to ask for a parameter would fail with an exception and a
 * stack trace in the log, for nothing but odd input (HD-08).
 * <p>
 * A parameter with a NUL character ({@code %00}) is refused too, with 400 and the error
 * page (OAuth error JSON for programs): no OAuth parameter may hold one (RFC 6749
 * Appendix A allows none below U+0020 but the tab), no form field of Lanyard's needs one,
 * and PostgreSQL cannot store one in a text or JSON value, so a NUL that reached a
 * statement (a login name looked up, a {@code state} kept with the authorization) would
 * fail it.
 * <p>
 * An authorization request whose parameters hold more than
 * {@value #AUTHORIZATION_REQUEST_LIMIT} characters is refused the same way (400): as much
 * as a GET's request line carries (Tomcat's 8 KB header limit), where a POSTed one took
 * the whole 64 KB form, and was kept in a new session for anyone who sent it (about 240
 * KB once re-encoded for the way back from the sign-in), and in the grant's row. A pushed
 * one (RFC 9126, made to carry what a URL cannot, with the client's own authentication
 * and a signed request object) may hold {@value #PUSHED_REQUEST_LIMIT}.
 */
public final class RequestParametersFilter extends OncePerRequestFilter {

	/**
	 * The largest body other than a form (a JSON document: the admin API, dynamic
	 * registration) read at all, as large as a form may be (Tomcat's
	 * {@code max-http-form-post-size}): a bigger one gets 413, and one of unknown length
	 * (chunked) 411, before anything reads it. Without it an API caller made the server
	 * hold any document it sent (HD-01).
	 */
	static final int BODY_LIMIT = 64 * 1024;

	static final int AUTHORIZATION_REQUEST_LIMIT = 8 * 1024;

	static final int PUSHED_REQUEST_LIMIT = 32 * 1024;

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		int bodyRefused = bodyRefused(request);
		if (bodyRefused != 0) {
			refuse(response, bodyRefused);
			return;
		}
		Map<String, String[]> parameters;
		try {
			parameters = request.getParameterMap();
		}
		catch (InvalidParameterException ex) {
			// Answered here, not through the error page: every later attempt to read a
			// parameter (the error page's included) would fail the same way.
			refuse(response, ex.getErrorCode());
			return;
		}
		if (holdsNul(parameters)
				|| ("/oauth2/authorize".equals(request.getServletPath())
						&& characters(parameters) > AUTHORIZATION_REQUEST_LIMIT)
				|| ("/oauth2/par".equals(request.getServletPath()) && characters(parameters) > PUSHED_REQUEST_LIMIT)) {
			response.sendError(HttpServletResponse.SC_BAD_REQUEST);
			return;
		}
		chain.doFilter(request, response);
	}

	/**
	 * The status a body is refused with ({@link #BODY_LIMIT}), or 0. A POSTed form is
	 * Tomcat's to bound (and its parameters' to refuse, below); Tomcat bounds no other
	 * method's form, which Spring's {@code FormContentFilter} reads whole for PUT, PATCH
	 * and DELETE before any authentication.
	 */
	private static int bodyRefused(HttpServletRequest request) {
		String type = request.getContentType();
		if ("POST".equals(request.getMethod()) && type != null
				&& type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)) {
			return 0;
		}
		long length = request.getContentLengthLong();
		if (length > BODY_LIMIT) {
			return HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
		}
		if (length < 0 && request.getHeader("Transfer-Encoding") != null) {
			return HttpServletResponse.SC_LENGTH_REQUIRED;
		}
		return 0;
	}

	private static void refuse(HttpServletResponse response, int status) throws IOException {
		response.setStatus(status);
		SecurityHeadersPolicy.writeTo(response);
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write("{\"error\":\"invalid_request\"}");
	}

	private static long characters(Map<String, String[]> parameters) {
		long characters = 0;
		for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
			characters += parameter.getKey().length();
			for (String value : parameter.getValue()) {
				characters += value.length();
			}
		}
		return characters;
	}

	private static boolean holdsNul(Map<String, String[]> parameters) {
		for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
			if (parameter.getKey().indexOf('\0') >= 0) {
				return true;
			}
			for (String value : parameter.getValue()) {
				if (value.indexOf('\0') >= 0) {
					return true;
				}
			}
		}
		return false;
	}

}
