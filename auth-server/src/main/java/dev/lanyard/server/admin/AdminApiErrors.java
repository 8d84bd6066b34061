package dev.lanyard.server.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The admin API's errors as JSON: 400 naming each field a rule refused, 404 for unknown
 * ids, 409 for conflicts. Never an exception message or stack trace.
 * <p>
 * For every controller of this package (each one is a part of the API under
 * {@code /api/admin}), rather than a list of them that a new one could be left out of:
 * the registration tokens' controller once was, and a stale token there got a 500 instead
 * of RFC 9470's 401.
 */
@RestControllerAdvice(basePackageClasses = AdminApiErrors.class)
class AdminApiErrors {

	private final MessageSource messages;

	AdminApiErrors(MessageSource messages) {
		this.messages = messages;
	}

	@ExceptionHandler(InvalidInputException.class)
	ResponseEntity<Map<String, Object>> invalid(InvalidInputException ex) {
		List<Map<String, String>> fields = ex.problems().stream().map(this::field).toList();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", "invalid_request");
		body.put("fields", fields);
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(body);
	}

	/** One problem; without a field it concerns the request as a whole. */
	private Map<String, String> field(FieldProblem problem) {
		Map<String, String> field = new LinkedHashMap<>();
		if (problem.field() != null) {
			field.put("field", problem.field());
		}
		field.put("code", problem.code());
		field.put("message", this.messages.getMessage(problem.code(), null, problem.code(), Locale.ENGLISH));
		return field;
	}

	@ExceptionHandler(NotFoundException.class)
	ResponseEntity<Map<String, Object>> notFound(NotFoundException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", "not_found"));
	}

	@ExceptionHandler(ConflictException.class)
	ResponseEntity<Map<String, Object>> conflict(ConflictException ex) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", "conflict");
		if (ex.field() != null) {
			body.put("field", ex.field());
		}
		return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_JSON).body(body);
	}

	/**
	 * RFC 9470 §3: the caller must authenticate again, within {@code max_age} seconds.
	 */
	@ExceptionHandler(RecentAuthentication.ReauthenticationRequiredException.class)
	ResponseEntity<Map<String, Object>> reauthenticate(RecentAuthentication.ReauthenticationRequiredException ex) {
		String description = "This change needs a recent sign-in, or a newly issued client token";
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer error=\"insufficient_user_authentication\", error_description=\"" + description
							+ "\", max_age=" + ex.maxAge().toSeconds())
			.body(Map.of("error", "insufficient_user_authentication", "error_description", description));
	}

	@ExceptionHandler({ HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class,
			HttpMediaTypeNotSupportedException.class })
	ResponseEntity<Map<String, Object>> unreadable(Exception ex) {
		return ResponseEntity.badRequest()
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", "invalid_request", "error_description",
					"The request body or parameters cannot be read"));
	}

}
