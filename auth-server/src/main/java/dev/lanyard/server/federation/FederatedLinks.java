package dev.lanyard.server.federation;

import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A person's links to upstream identities: the account page's list, linking one more,
 * unlinking one while another way to sign in remains. A link is made only for a person
 * signed in here, so it is always theirs: from the account page (the next answer of that
 * provider in this session links), or, where the provider's settings allow linking by a
 * verified e-mail address, by signing in here right after the upstream answered with an
 * address an account here has (the sign-in proves the account is theirs) and then saying
 * yes to linking it (the sign-in alone does not prove they meant to: anyone can send a
 * browser through a provider's sign-in, with an identity of theirs there, just before its
 * owner signs in here).
 */
@Service
public class FederatedLinks {

	/** How long a link waits in the session for the upstream's answer or the sign-in. */
	static final Duration WAIT = Duration.ofMinutes(10);

	private static final String LINK_REQUESTED = FederatedLinks.class.getName() + ".REQUESTED";

	private static final String LINK_WAITING = FederatedLinks.class.getName() + ".WAITING";

	private static final String LINK_OFFERED = FederatedLinks.class.getName() + ".OFFERED";

	private final FederatedIdentities identities;

	private final IdentityProviders providers;

	private final JdbcUserAccountRepository users;

	private final Passkeys passkeys;

	private final AuditLog audit;

	private final Clock clock;

	private final TransactionTemplate transactions;

	private final IdentityProviderChanges changes;

	FederatedLinks(FederatedIdentities identities, IdentityProviders providers, JdbcUserAccountRepository users,
			Passkeys passkeys, AuditLog audit, Clock clock, TransactionTemplate transactions,
			IdentityProviderChanges changes) {
		this.changes = changes;
		this.transactions = transactions;
		this.identities = identities;
		this.providers = providers;
		this.users = users;
		this.passkeys = passkeys;
		this.audit = audit;
		this.clock = clock;
	}

	/**
	 * A provider as the account page shows it to a person.
	 *
	 * @param linked whether an identity there is linked
	 * @param email the address the upstream gave at the last sign-in, if linked
	 * @param lastUsed the last sign-in with it, if any
	 * @param canUnlink whether the person keeps another way to sign in without it
	 */
	public record Row(String providerId, String displayName, boolean linked, String email, Instant lastUsed,
			boolean canUnlink) {
	}

	/** The enabled providers, and any other one the person is linked to. */
	public List<Row> rows(UUID userId) {
		List<FederatedIdentities.Linked> linked = this.identities.of(userId);
		List<IdentityProvider> all = this.providers.all();
		boolean ownCredential = hasOwnCredential(userId);
		List<Row> rows = new ArrayList<>();
		for (IdentityProvider provider : all) {
			FederatedIdentities.Linked link = linked.stream()
				.filter((identity) -> identity.providerId().equals(provider.id()))
				.findFirst()
				.orElse(null);
			if (link == null && !provider.enabled()) {
				continue;
			}
			rows.add(new Row(provider.id(), provider.displayName(), link != null, (link != null) ? link.email() : null,
					(link != null) ? link.lastUsedAt() : null,
					link != null && keepsAWayIn(provider.id(), linked, all, ownCredential)));
		}
		return rows;
	}

	/**
	 * The person asked to link a provider: its next answer in this session links to them.
	 * @return whether the provider exists and is enabled
	 */
	public boolean request(HttpServletRequest request, UUID userId, String providerId) {
		if (this.providers.find(providerId).filter(IdentityProvider::enabled).isEmpty()) {
			return false;
		}
		request.getSession()
			.setAttribute(LINK_REQUESTED, new Waiting(userId, providerId, null, null, List.of(), this.clock.instant()));
		return true;
	}

	/**
	 * The link this session's person asked for at this provider, taken (once), if it is
	 * still fresh.
	 */
	public UUID requestedBy(HttpServletRequest request, String providerId) {
		Waiting waiting = take(request, LINK_REQUESTED);
		return (waiting != null && waiting.providerId().equals(providerId)) ? waiting.userId() : null;
	}

	/**
	 * An upstream identity whose verified address accounts here have: it waits in the
	 * session for one of them to sign in here.
	 */
	public void holdForSignIn(HttpServletRequest request, IdentityProvider provider,
			FederatedAccounts.UpstreamPerson person) {
		String email = person.verifiedEmail();
		request.getSession()
			.setAttribute(LINK_WAITING, new Waiting(null, provider.id(), person.subject(), email,
					List.copyOf(this.users.withEmail(email)), this.clock.instant()));
	}

	/**
	 * After a sign-in here: offers the person the identity waiting in the session, if
	 * they are one of the accounts it waited for and the provider still links by verified
	 * address (turned off in an incident, what waited in sessions links nothing).
	 * @return whether an identity is offered ({@link #offered}), to be answered
	 */
	public boolean signedIn(HttpServletRequest request, UUID userId) {
		Waiting waiting = take(request, LINK_WAITING);
		if (waiting == null || !waiting.accounts().contains(userId) || linkingProvider(waiting.providerId()) == null) {
			return false;
		}
		request.getSession()
			.setAttribute(LINK_OFFERED, new Waiting(userId, waiting.providerId(), waiting.subject(), waiting.email(),
					List.of(), this.clock.instant()));
		return true;
	}

	/**
	 * An upstream identity offered to the person for linking.
	 *
	 * @param displayName the provider's name, as the page shows it
	 * @param email the address the upstream gave
	 */
	public record Offer(String displayName, String email) {
	}

	/** The identity offered to this session's person, still fresh; empty if none. */
	public Optional<Offer> offered(HttpServletRequest request, UUID userId) {
		HttpSession session = request.getSession(false);
		if (session == null || !(session.getAttribute(LINK_OFFERED) instanceof Waiting offer)
				|| !userId.equals(offer.userId()) || !offer.since().plus(WAIT).isAfter(this.clock.instant())) {
			return Optional.empty();
		}
		IdentityProvider provider = linkingProvider(offer.providerId());
		return (provider != null) ? Optional.of(new Offer(provider.displayName(), offer.email())) : Optional.empty();
	}

	/**
	 * The person's answer to the identity offered: linked if they said yes (and it is
	 * still offered to them); the offer is gone either way.
	 * @return whether it was linked
	 */
	public boolean answer(HttpServletRequest request, UUID userId, boolean link) {
		Waiting offer = take(request, LINK_OFFERED);
		if (offer == null || !userId.equals(offer.userId()) || linkingProvider(offer.providerId()) == null) {
			return false;
		}
		if (!link) {
			// Said no: perhaps someone else's identity there (sent through the provider
			// in this browser).
			this.audit.record(userId.toString(), "federation.link_declined", "user:" + userId, request.getRemoteAddr(),
					Map.of("idp", offer.providerId()));
			return false;
		}
		return link(userId, offer.providerId(), offer.subject(), offer.email(), request.getRemoteAddr());
	}

	/** The provider, if it is enabled and links by verified address. */
	private IdentityProvider linkingProvider(String providerId) {
		return this.providers.find(providerId)
			.filter((provider) -> provider.enabled() && provider.linkByVerifiedEmail())
			.orElse(null);
	}

	/**
	 * Links an upstream identity to a person signed in here.
	 * @return {@code false} if the identity is another account's, or the person has one
	 * at that provider already
	 */
	public boolean link(UUID userId, String providerId, String subject, String email, String remoteAddress) {
		boolean linked = this.identities.link(providerId, subject, userId, email);
		this.audit.record(userId.toString(), linked ? "federation.linked" : "federation.link_refused", "user:" + userId,
				remoteAddress, Map.of("idp", providerId));
		return linked;
	}

	/**
	 * Unlinks the person's identity at a provider, only while they keep another way to
	 * sign in (a password, a passkey, another linked provider).
	 * @return whether it was unlinked
	 */
	public boolean unlink(UUID userId, String providerId, String remoteAddress) {
		// One at a time per person (the account row locked), so two unlinks at once
		// cannot
		// each count on the other's link.
		boolean unlinked = Boolean.TRUE.equals(this.transactions.execute((status) -> {
			this.users.findByIdForUpdate(userId);
			if (!keepsAWayIn(providerId, this.identities.of(userId), this.providers.all(), hasOwnCredential(userId))) {
				return false;
			}
			// What signed in through the identity ends with it.
			return this.changes.unlink(userId, providerId, "logout");
		}));
		if (unlinked) {
			this.audit.record(userId.toString(), "federation.unlinked", "user:" + userId, remoteAddress,
					Map.of("idp", providerId));
		}
		return unlinked;
	}

	/**
	 * Whether the person keeps a way to sign in without their link to this provider: a
	 * credential of their own, or a link to another provider that is offered.
	 */
	private static boolean keepsAWayIn(String providerId, List<FederatedIdentities.Linked> linked,
			List<IdentityProvider> providers, boolean ownCredential) {
		return ownCredential || linked.stream()
			.anyMatch((identity) -> !identity.providerId().equals(providerId) && providers.stream()
				.anyMatch((provider) -> provider.id().equals(identity.providerId()) && provider.enabled()));
	}

	/** Whether the person has a password or a passkey here. */
	private boolean hasOwnCredential(UUID userId) {
		return this.users.findById(userId).map((account) -> account.passwordHash() != null).orElse(false)
				|| this.passkeys.any(userId);
	}

	private Waiting take(HttpServletRequest request, String attribute) {
		HttpSession session = request.getSession(false);
		if (session == null || !(session.getAttribute(attribute) instanceof Waiting waiting)) {
			return null;
		}
		session.removeAttribute(attribute);
		return waiting.since().plus(WAIT).isAfter(this.clock.instant()) ? waiting : null;
	}

	/** A link waiting in the session. */
	private record Waiting(UUID userId, String providerId, String subject, String email, List<UUID> accounts,
			Instant since) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

}
