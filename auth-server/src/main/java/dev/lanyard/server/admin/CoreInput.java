package dev.lanyard.server.admin;

import java.util.function.Supplier;

import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.client.ClientDraft;
import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.ChangedMeanwhileException;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.NoSuchEntityException;
import dev.lanyard.server.client.ClientRegistration;

/**
 * Between the admin ports and the server's core: the console's and API's input in the
 * core's terms, and the core's refusals in the console's.
 */
final class CoreInput {

	private CoreInput() {
	}

	/**
	 * Runs a core operation; its refusals become the admin ports' errors: invalid input,
	 * a conflict, or not found.
	 */
	static <T> T translated(Supplier<T> operation) {
		try {
			return operation.get();
		}
		catch (InputRejectedException ex) {
			throw new InvalidInputException(ex.problems()
				.stream()
				.map((problem) -> new FieldProblem(problem.field(), problem.code()))
				.toList());
		}
		catch (AlreadyExistsException ex) {
			throw new ConflictException(ex.field(), ex.getMessage());
		}
		catch (ChangedMeanwhileException ex) {
			throw new ConflictException(ConflictException.CHANGED_MEANWHILE, ex.getMessage());
		}
		catch (NoSuchEntityException ex) {
			throw new NotFoundException(ex.what());
		}
	}

	static void translated(Runnable operation) {
		translated(() -> {
			operation.run();
			return null;
		});
	}

	static ClientRegistration registration(ClientDraft draft) {
		return new ClientRegistration(draft.clientId(), draft.clientName(), draft.logoUri(), draft.publicClient(),
				draft.clientSecret(), draft.tokenEndpointAuthMethod(), draft.jwks(), draft.jwksUri(),
				draft.redirectUris(), draft.postLogoutRedirectUris(), draft.grantTypes(), draft.scopes(),
				draft.requirePkce(), draft.requireConsent(), draft.accessTokenTtl(), draft.refreshTokenIdle(),
				draft.refreshTokenMax(), draft.exchangeAudiences(), draft.introspectionAllowed(),
				draft.requirePushedAuthorizationRequests(), draft.dpopBoundAccessTokens(), draft.requireMfa(),
				draft.backchannelLogoutUri(), draft.backchannelLogoutSessionRequired(), draft.enabled());
	}

}
