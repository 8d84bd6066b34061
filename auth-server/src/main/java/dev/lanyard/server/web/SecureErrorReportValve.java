package dev.lanyard.server.web;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * The servlet container's own error answer, for requests refused before they reach
 * Lanyard (a malformed request line, URI or header): the same security headers as every
 * page of Lanyard's, a short JSON body, no HTML, no server name or version (HD-11).
 * Errors of requests that reach Lanyard are answered by its error page instead.
 */
public class SecureErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		SecurityHeadersPolicy.writeTo(response);
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		try {
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write((status < 500) ? "{\"error\":\"invalid_request\"}" : "{\"error\":\"server_error\"}");
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The connection is gone; nothing more to say.
		}
	}

}
