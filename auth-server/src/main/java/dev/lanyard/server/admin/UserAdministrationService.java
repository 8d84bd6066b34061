package dev.lanyard.server.admin;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.Page;
import dev.lanyard.admin.user.UserAdministration;
import dev.lanyard.admin.user.SecondFactorsView;
import dev.lanyard.admin.user.UserDraft;
import dev.lanyard.admin.user.UserView;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.secondfactor.TotpAuthenticators;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.user.LoginName;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;

import org.springframework.stereotype.Service;

/**
 * The users port, for console and API alike: account rules are {@link UserService}'s;
 * this withdraws access where a change calls for it (disabling or locking an account, or
 * a new password with "sign out everywhere", revokes its grants — OWASP ASVS 5.0 §7.4.2,
 * RFC 9700 §4.14.2), lifts throttling on unlock, and records each change.
 */
@Service
class UserAdministrationService implements UserAdministration {

	private final UserService users;

	private final GrantRevocations authorizations;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	private final SecondFactors secondFactors;

	UserAdministrationService(UserService users, GrantRevocations authorizations, LoginThrottle throttle,
			AuditLog audit, SecondFactors secondFactors) {
		this.users = users;
		this.authorizations = authorizations;
		this.throttle = throttle;
		this.audit = audit;
		this.secondFactors = secondFactors;
	}

	@Override
	public Page<UserView> search(String query, int page, int size) {
		List<UserView> items = this.users.search(query, size, (long) page * size)
			.stream()
			.map(UserAdministrationService::view)
			.toList();
		return new Page<>(items, page, size, this.users.countMatching(query));
	}

	@Override
	public UserView get(String id) {
		return view(account(id));
	}

	@Override
	public UserView create(UserDraft draft, String password, Actor actor) {
		UserAccount created = CoreInput.translated(() -> this.users.create(draft.username(), draft.email(), password,
				draft.enabled(), draft.locked(), draft.roles(), draft.attributes(), draft.claims()));
		record(actor, "user.created", created, Map.of("roles", created.roles()));
		return view(created);
	}

	@Override
	public UserView update(String id, UserDraft draft, Actor actor) {
		UUID userId = account(id).id();
		UserService.Change change = CoreInput
			.translated(() -> this.users.update(userId, draft.username(), draft.email(), draft.enabled(),
					draft.locked(), draft.roles(), draft.attributes(), draft.claims(), draft.seenAt()));
		if (change.accessWithdrawn()) {
			this.authorizations.revokeByPrincipal(userId.toString(), "user_disabled");
		}
		record(actor, "user.updated", change.after(),
				Map.of("enabled", change.after().enabled(), "locked", change.after().locked(), "roles",
						change.after().roles(), "roles_before", change.before().roles(), "changed",
						change.changedFields()));
		return view(change.after());
	}

	@Override
	public void setPassword(String id, String password, boolean signOutEverywhere, Actor actor) {
		UserAccount account = account(id);
		CoreInput.translated(() -> this.users.setPassword(account.id(), password));
		if (signOutEverywhere) {
			// Its sign-in sessions first (on every node, at their next request), so none
			// starts a grant after the revocation.
			this.users.endSignIns(account.id());
			this.authorizations.revokeByPrincipal(account.id().toString(), "password_changed");
		}
		record(actor, "user.password_set", account, Map.of("signed_out_everywhere", signOutEverywhere));
	}

	@Override
	public UserView unlock(String id, Actor actor) {
		UserAccount account = account(id);
		UserAccount unlocked = this.users.unlock(account.id());
		this.throttle.reset(LoginName.canonical(account.username()));
		record(actor, "user.unlocked", account, Map.of());
		return view(unlocked);
	}

	@Override
	public boolean resetSecondFactors(String id, Actor actor) {
		UserAccount account = account(id);
		boolean removed = this.secondFactors.reset(account.id());
		if (removed) {
			// As when the person removes a factor (every other sign-in ends): a session
			// begun with a factor now gone (lost, or in someone else's hands) keeps
			// nothing. Its sign-in sessions first, so none starts a grant after the
			// revocation.
			this.users.endSignIns(account.id());
			this.authorizations.revokeByPrincipal(account.id().toString(), "admin");
		}
		record(actor, "user.second_factors_reset", account, Map.of("removed", removed));
		return removed;
	}

	@Override
	public SecondFactorsView secondFactors(String id) {
		UUID userId = account(id).id();
		SecondFactors.Status status = this.secondFactors.status(userId);
		List<SecondFactorsView.Passkey> passkeys = this.secondFactors.passkeys(userId)
			.stream()
			.map((passkey) -> new SecondFactorsView.Passkey(passkey.label(), passkey.created(),
					// Never used: the framework gives it its creation time.
					passkey.lastUsed().equals(passkey.created()) ? null : passkey.lastUsed()))
			.toList();
		return new SecondFactorsView(this.secondFactors.requiredFor(userId), status.authenticatorApp(),
				status.recoveryCodesLeft(), passkeys, this.secondFactors.blocked(userId));
	}

	@Override
	public void importAuthenticatorApp(String id, String base32Secret, Actor actor) {
		byte[] secret = TotpAuthenticators.importable(base32Secret)
			.orElseThrow(() -> new InvalidInputException("totp_secret", "totp-secret.invalid"));
		UserAccount account = account(id);
		if (this.secondFactors.importAuthenticatorApp(account.id(), secret)) {
			record(actor, "user.authenticator_app_imported", account, Map.of());
		}
	}

	@Override
	public void requireSecondFactor(String id, boolean required, Actor actor) {
		UserAccount account = account(id);
		if (this.secondFactors.require(account.id(), required)) {
			record(actor, "user.second_factor_required", account, Map.of("required", required));
		}
	}

	private UserAccount account(String id) {
		try {
			UUID userId = UUID.fromString(id);
			return CoreInput.translated(() -> this.users.get(userId));
		}
		catch (IllegalArgumentException ex) {
			throw new NotFoundException("User");
		}
	}

	private void record(Actor actor, String action, UserAccount user, Map<String, ?> details) {
		this.audit.record(actor.id(), action, "user:" + user.username(), actor.address(), details);
	}

	static UserView view(UserAccount account) {
		return new UserView(account.id().toString(), account.username(), account.email(), account.enabled(),
				account.locked(), account.roles(), account.attributes(), account.claims(), account.createdAt(),
				account.updatedAt());
	}

}
