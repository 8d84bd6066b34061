package dev.lanyard.server;

import java.util.List;
import java.util.Objects;

/**
 * Input broke one or more of the server's rules; nothing was changed. Each problem names
 * the field (RFC 7591 metadata names for clients) and a message key; the admin adapters,
 * the bootstrap importer and the API turn it into their own answer.
 */
public class InputRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final List<Problem> problems;

	/**
	 * @param problems at least one: a refusal always says what was wrong
	 */
	public InputRejectedException(List<Problem> problems) {
		super("Input rejected: " + problems);
		if (problems.isEmpty()) {
			throw new IllegalArgumentException("A refusal names at least one problem");
		}
		this.problems = List.copyOf(problems);
	}

	public InputRejectedException(String field, String code) {
		this(List.of(new Problem(field, code)));
	}

	public List<Problem> problems() {
		return this.problems;
	}

	/**
	 * One rule an input broke.
	 *
	 * @param field the field, e.g. {@code redirect_uris}
	 * @param code the message key, e.g. {@code redirect-uri.fragment}
	 */
	public record Problem(String field, String code) {

		public Problem {
			Objects.requireNonNull(field, "field");
			Objects.requireNonNull(code, "code");
		}

	}

}
