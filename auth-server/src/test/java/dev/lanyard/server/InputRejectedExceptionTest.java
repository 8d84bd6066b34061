package dev.lanyard.server;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * A refusal always says what was wrong, so every adapter (console, API, bootstrap file)
 * can name the first problem without guarding against an empty list.
 */
class InputRejectedExceptionTest {

	@Test
	void refusalWhenNoProblemOrAnUnnamedOneThenCannotBeMade() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InputRejectedException(List.of()));
		assertThatNullPointerException().isThrownBy(() -> new InputRejectedException(null, "username.format"));
		assertThatNullPointerException().isThrownBy(() -> new InputRejectedException("username", null));
	}

	@Test
	void refusalWhenProblemsGivenThenKeptInOrderAndUnmodifiable() {
		InputRejectedException refusal = new InputRejectedException(
				List.of(new InputRejectedException.Problem("redirect_uris", "redirect-uri.fragment"),
						new InputRejectedException.Problem("scope", "scope.format")));
		assertThat(refusal.problems()).extracting(InputRejectedException.Problem::field)
			.containsExactly("redirect_uris", "scope");
		assertThat(refusal.problems()).isUnmodifiable();
	}

}
