package dev.lanyard.server.federation;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.ChangedMeanwhileException;
import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.login.SignInSessions;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes to identity providers and linked identities that close a way in, for every
 * entry point (the console, the admin API, the bootstrap file, the person's own account
 * page): a provider disabled or deleted, or a person's identity there unlinked, ends the
 * sign-in sessions that came through it and revokes their grants, in the change's
 * transaction. While the provider is off or the identity unlinked each request refuses
 * them anyway ({@link dev.lanyard.server.user.JdbcUserAccountRepository#standing}); ended
 * here, they do not come back when it is enabled or linked again (an incident upstream:
 * what signed in during it must not outlive it).
 */
@Service
public class IdentityProviderChanges {

	private final IdentityProviders providers;

	private final FederatedIdentities identities;

	private final SignInSessions sessions;

	private final GrantRevocations grants;

	IdentityProviderChanges(IdentityProviders providers, FederatedIdentities identities, SignInSessions sessions,
			GrantRevocations grants) {
		this.providers = providers;
		this.identities = identities;
		this.sessions = sessions;
		this.grants = grants;
	}

	/**
	 * Stores the provider ({@link IdentityProviders#save}); if that turns an enabled
	 * provider off, what signed in through it ends.
	 * @param reason why grants are revoked, as the revocation records it
	 * @param seenAt the version of the provider the change was made from
	 * ({@link IdentityProviders#findVersioned}), or {@code null} for whatever it is now
	 * @throws ChangedMeanwhileException if the provider changed since that version, or
	 * was removed (nothing changed)
	 */
	@Transactional
	public ImportOutcome save(IdentityProvider provider, String reason, Instant seenAt) {
		if (seenAt != null && !this.providers.versionForUpdate(provider.id()).filter(seenAt::equals).isPresent()) {
			throw new ChangedMeanwhileException("The identity provider changed since it was shown");
		}
		Optional<IdentityProvider> before = this.providers.find(provider.id());
		ImportOutcome outcome = this.providers.save(provider);
		if (before.isPresent() && before.get().enabled() && !provider.enabled()) {
			endSignInsThrough(provider.id(), null, reason);
		}
		return outcome;
	}

	/**
	 * Removes the provider and its linked identities; what signed in through it ends.
	 * @return whether there was one
	 */
	@Transactional
	public boolean delete(String providerId, String reason) {
		if (!this.providers.delete(providerId)) {
			return false;
		}
		endSignInsThrough(providerId, null, reason);
		return true;
	}

	/**
	 * Unlinks the person's identity at the provider; what they signed in with through it
	 * ends.
	 * @return whether one was linked
	 */
	@Transactional
	public boolean unlink(UUID userId, String providerId, String reason) {
		if (!this.identities.unlink(userId, providerId)) {
			return false;
		}
		endSignInsThrough(providerId, userId, reason);
		return true;
	}

	private void endSignInsThrough(String providerId, UUID userId, String reason) {
		this.sessions.endThroughIdentityProvider(providerId, userId);
		this.grants.revokeByIdentityProvider(providerId, (userId != null) ? userId.toString() : null, reason);
	}

}
