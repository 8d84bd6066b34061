package dev.lanyard.server.web;

import java.io.IOException;

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
 */
public final class RequestParametersFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			request.getParameterNames();
		}
		catch (InvalidParameterException ex) {
			// Answered here, not through the error page: every later attempt to read a
			// parameter (the error page's included) would fail the same way.
			response.setStatus(ex.getErrorCode());
			SecurityHeadersPolicy.writeTo(response);
			response.setContentType("application/json");
			response.setCharacterEncoding("UTF-8");
			response.getWriter().write("{\"error\":\"invalid_request\"}");
			return;
		}
		chain.doFilter(request, response);
	}

}
