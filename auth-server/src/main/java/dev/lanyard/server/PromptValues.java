package dev.lanyard.server;

import java.util.Arrays;
import java.util.List;

/**
 * The values of an authorization request's {@code prompt}: space-separated, case
 * sensitive (OpenID Connect Core §3.1.2.1). The one reading of it for the sign-in, the
 * saved request and the consent page.
 */
public final class PromptValues {

	/** The parameter. */
	public static final String PARAMETER = "prompt";

	private PromptValues() {
	}

	/** The values, none for a missing or blank parameter. */
	public static List<String> of(String prompt) {
		return (prompt != null && !prompt.isBlank()) ? Arrays.asList(prompt.trim().split(" +")) : List.of();
	}

}
