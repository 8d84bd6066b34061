package dev.lanyard.admin;

import java.util.List;

/** Input broke one or more rules; nothing was changed. The API answers 400. */
public class InvalidInputException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final List<FieldProblem> problems;

	public InvalidInputException(List<FieldProblem> problems) {
		super("Invalid input: " + problems);
		this.problems = List.copyOf(problems);
	}

	public InvalidInputException(String field, String code) {
		this(List.of(new FieldProblem(field, code)));
	}

	public List<FieldProblem> problems() {
		return this.problems;
	}

}
