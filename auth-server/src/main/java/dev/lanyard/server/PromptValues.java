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

	/**
	 * The values that ask a signed-in person to sign in again: {@code login}, and
	 * {@code select_account}, which Lanyard, with one account per sign-in, answers the
	 * same way.
	 */
	public static final List<String> SIGN_IN_AGAIN = List.of("login", "select_account");

	/** Whether a {@code prompt} asks for a new sign-in ({@link #SIGN_IN_AGAIN}). */
	public static boolean asksToSignInAgain(String prompt) {
		return of(prompt).stream().anyMatch(SIGN_IN_AGAIN::contains);
	}

	/** The values, none for a missing or blank parameter. */
	public static List<String> of(String prompt) {
		return (prompt != null && !prompt.isBlank()) ? Arrays.asList(prompt.trim().split(" +")) : List.of();
	}

}
