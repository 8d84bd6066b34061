package dev.lanyard.server.federation;

import java.io.Serial;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.StandardClaim;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;

import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which local account an upstream identity signs in to. An identity is found by its
 * provider and upstream subject only. Without one linked: an upstream e-mail address that
 * is verified there and belongs to a local account never creates a second account (the
 * person signs in here and links the provider, which proves the account is theirs);
 * otherwise, where the provider's settings allow it, an account is created with the
 * provider's default roles and the mapped claims. A disabled or locked account does not
 * sign in through an upstream either.
 */
@Service
public class FederatedAccounts {

	private static final SecureRandom random = new SecureRandom();

	private final FederatedIdentities identities;

	private final JdbcUserAccountRepository users;

	private final UserService userService;

	private final AuditLog audit;

	private final TransactionTemplate transactions;

	FederatedAccounts(FederatedIdentities identities, JdbcUserAccountRepository users, UserService userService,
			AuditLog audit, TransactionTemplate transactions) {
		this.identities = identities;
		this.users = users;
		this.userService = userService;
		this.audit = audit;
		this.transactions = transactions;
	}

	/**
	 * A person as the upstream describes them.
	 *
	 * @param subject the upstream's stable identifier ({@code sub}, or GitHub's
	 * {@code id})
	 * @param claims every claim or user-info member the upstream gave
	 */
	public record UpstreamPerson(String subject, Map<String, Object> claims) {

		/**
		 * The e-mail address, only if the upstream says it verified it (OpenID Connect
		 * Core §5.1 {@code email_verified}); an unverified address is not used at all.
		 */
		public String verifiedEmail() {
			Object email = this.claims.get("email");
			Object verified = this.claims.get("email_verified");
			boolean isVerified = Boolean.TRUE.equals(verified) || "true".equals(verified);
			return (isVerified && email instanceof String address && UserService.acceptableEmail(address)) ? address
					: null;
		}

		/** The upstream's {@code amr}, empty when it said none. */
		public List<String> authenticationMethods() {
			return (this.claims.get("amr") instanceof Collection<?> values)
					? values.stream().map(String::valueOf).toList() : List.of();
		}

	}

	/**
	 * The account this upstream identity signs in to.
	 * @throws FederatedSignInException when nobody may sign in with it, and why
	 */
	public UserAccount accountFor(IdentityProvider provider, UpstreamPerson person, String remoteAddress) {
		if (!FederatedIdentities.keepable(person.subject())) {
			// OpenID Connect Core §2: at most 255 ASCII characters; none is no answer.
			throw new FederatedSignInException(provider.id(), FederatedSignInException.Reason.FAILED);
		}
		String email = person.verifiedEmail();
		Optional<UUID> linked = this.identities.signIn(provider.id(), person.subject(), email);
		UserAccount account = linked.flatMap(this.users::findById)
			.orElseGet(() -> firstSignIn(provider, person, email, remoteAddress));
		if (!account.active()) {
			throw new FederatedSignInException(provider.id(), FederatedSignInException.Reason.REFUSED);
		}
		return account;
	}

	private UserAccount firstSignIn(IdentityProvider provider, UpstreamPerson person, String email,
			String remoteAddress) {
		if (email != null && !this.users.withEmail(email).isEmpty()) {
			// Maybe the same person, maybe not: only signing in here proves it.
			throw new FederatedSignInException(provider.id(), FederatedSignInException.Reason.SIGN_IN_TO_LINK);
		}
		if (!provider.createUsers()) {
			throw new FederatedSignInException(provider.id(), FederatedSignInException.Reason.NO_ACCOUNT);
		}
		Mapped mapped = Mapped.of(provider, person.claims());
		Map<String, String> claims = new LinkedHashMap<>(mapped.claims());
		if (email != null) {
			claims.put(StandardClaim.EMAIL_VERIFIED.claimName(), "true");
		}
		UserAccount created;
		try {
			created = provisionAndLink(provider, person, email, mapped, claims, freeUsername(provider, person));
		}
		catch (AlreadyExistsException ex) {
			// The name was taken meanwhile: by the same person's first sign-in on another
			// node (then it is theirs), or by someone else (then another name).
			Optional<UserAccount> theirs = this.identities.signIn(provider.id(), person.subject(), email)
				.flatMap(this.users::findById);
			if (theirs.isPresent()) {
				return theirs.get();
			}
			created = provisionAndLink(provider, person, email, mapped, claims, randomUsername(provider));
		}
		if (created == null) {
			return this.identities.signIn(provider.id(), person.subject(), email)
				.flatMap(this.users::findById)
				.orElseThrow(
						() -> new FederatedSignInException(provider.id(), FederatedSignInException.Reason.NO_ACCOUNT));
		}
		this.audit.record(created.id().toString(), "federation.user_provisioned", "user:" + created.id(), remoteAddress,
				Map.of("idp", provider.id(), "username", created.username()));
		return created;
	}

	/**
	 * Creates the account and links the identity to it, in one transaction.
	 * @return {@code null} if the identity was linked meanwhile (the same person's first
	 * sign-in on another node): nothing was created
	 */
	private UserAccount provisionAndLink(IdentityProvider provider, UpstreamPerson person, String email, Mapped mapped,
			Map<String, String> claims, String username) {
		try {
			return this.transactions.execute((status) -> {
				UserAccount account = this.userService.provision(provider.id(), username, email, mapped.roles(),
						mapped.attributes(), claims);
				if (!this.identities.link(provider.id(), person.subject(), account.id(), email)) {
					status.setRollbackOnly();
					return null;
				}
				return account;
			});
		}
		catch (InputRejectedException ex) {
			// Nothing the upstream sent should get here (values are checked before), but
			// a refusal is the upstream's answer not holding, never a server error.
			throw new FederatedSignInException(provider.id(), FederatedSignInException.Reason.FAILED);
		}
	}

	/**
	 * A username nobody has: the upstream's {@code preferred_username} or the verified
	 * address's local part, if acceptable and free, else the provider's id and a random
	 * suffix. Never the name of an existing account.
	 */
	private String freeUsername(IdentityProvider provider, UpstreamPerson person) {
		List<String> candidates = new ArrayList<>();
		if (person.claims().get("preferred_username") instanceof String preferred) {
			candidates.add(preferred);
		}
		if (!provider.openIdConnect() && person.claims().get("login") instanceof String login) {
			candidates.add(login);
		}
		String email = person.verifiedEmail();
		if (email != null) {
			candidates.add(email.substring(0, email.indexOf('@')));
		}
		for (String candidate : candidates) {
			String name = candidate.strip().toLowerCase(Locale.ROOT);
			if (UserService.acceptableUsername(name) && this.users.findByLoginName(name).isEmpty()) {
				return name;
			}
		}
		String name = randomUsername(provider);
		while (this.users.findByLoginName(name).isPresent()) {
			name = randomUsername(provider);
		}
		return name;
	}

	/** The provider's id and 32 random bits. */
	private static String randomUsername(IdentityProvider provider) {
		byte[] suffix = new byte[4];
		random.nextBytes(suffix);
		return provider.id() + "-" + HexFormat.of().formatHex(suffix);
	}

	/**
	 * What a provider's claim mappings give a new account: roles (the default ones and
	 * mapped ones), standard claims and attributes. A value that breaks Lanyard's rules
	 * for the field is left out rather than failing the sign-in.
	 */
	record Mapped(List<String> roles, Map<String, String> attributes, Map<String, String> claims) {

		static Mapped of(IdentityProvider provider, Map<String, Object> upstream) {
			// Administrators are made here, one person at a time, never by a provider:
			// not by its default roles (refused when saved; a provider stored before
			// that rule may still name it) nor by an upstream's claim.
			Set<String> roles = new LinkedHashSet<>(provider.defaultRoles());
			roles.remove(UserService.ADMINISTRATOR_ROLE);
			Map<String, String> attributes = new LinkedHashMap<>();
			Map<String, String> claims = new LinkedHashMap<>();
			provider.claimMappings().forEach((field, claim) -> {
				Object value = upstream.get(claim);
				if (value == null) {
					return;
				}
				if (field.equals("roles")) {
					Collection<?> values = (value instanceof Collection<?> many) ? many : List.of(value);
					values.stream()
						.map(String::valueOf)
						.filter(UserService::acceptableRole)
						.filter((role) -> !role.equals(UserService.ADMINISTRATOR_ROLE))
						.forEach(roles::add);
				}
				else if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
					return;
				}
				else if (IdentityProviders.standardClaim(field)) {
					try {
						claims.putAll(StandardClaim.normalize(Map.of(field, String.valueOf(value))));
					}
					catch (InputRejectedException ex) {
						// Not a value the claim can take: left out.
					}
				}
				else if (String.valueOf(value).length() <= 500) {
					attributes.put(field, String.valueOf(value));
				}
			});
			return new Mapped(List.copyOf(roles), attributes, claims);
		}

	}

	/** An upstream sign-in that signs nobody in here, and why. */
	public static final class FederatedSignInException extends AuthenticationException {

		@Serial
		private static final long serialVersionUID = 1L;

		/** Why, as the login page tells it. */
		public enum Reason {

			/** The upstream could not be reached or answered something unusable. */
			UNAVAILABLE,
			/**
			 * The upstream's answer did not hold (state, issuer, signature, nonce...).
			 */
			FAILED,
			/** Nobody is linked and accounts are not created for this provider. */
			NO_ACCOUNT,
			/** An account has the upstream's verified address: sign in here to link. */
			SIGN_IN_TO_LINK,
			/**
			 * An account has the upstream's verified address, and the provider links by
			 * it: signing in here now links.
			 */
			SIGN_IN_LINKS,
			/** The linked account is disabled or locked. */
			REFUSED;

			/** The value in the login page's address. */
			public String code() {
				return name().toLowerCase(Locale.ROOT).replace('_', '-');
			}

		}

		private final String providerId;

		private final Reason reason;

		public FederatedSignInException(String providerId, Reason reason) {
			super("Sign-in through " + providerId + ": " + reason);
			this.providerId = providerId;
			this.reason = reason;
		}

		public String providerId() {
			return this.providerId;
		}

		public Reason reason() {
			return this.reason;
		}

	}

}
