package dev.lanyard.admin.user;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.Page;
import dev.lanyard.admin.NextRefusal;
import dev.lanyard.admin.TestDouble;
import dev.lanyard.admin.TestPages;

/**
 * A {@link UserAdministration} in memory: holds {@code bob} after a reset, records every
 * change, and can be told to refuse the next one as the server's rules would.
 */
public class InMemoryUserAdministration implements UserAdministration, TestDouble {

	/** The id given to the next user created here. */
	public static final String NEW_USER_ID = "id-created";

	private final Map<String, UserView> users = new LinkedHashMap<>();

	private final List<Search> searches = new ArrayList<>();

	private final List<Created> created = new ArrayList<>();

	private final Map<String, UserDraft> updated = new LinkedHashMap<>();

	private final List<PasswordSet> passwordsSet = new ArrayList<>();

	private final List<String> unlocked = new ArrayList<>();

	private final List<String> secondFactorsReset = new ArrayList<>();

	private final java.util.Set<String> secondFactorRequired = new java.util.LinkedHashSet<>();

	private final java.util.Set<String> authenticatorApps = new java.util.LinkedHashSet<>();

	private final List<Actor> actors = new ArrayList<>();

	private final NextRefusal refusal = new NextRefusal();

	@Override
	public void reset() {
		this.users.clear();
		save(TestUserViews.user("bob").attributes(Map.of("tenant", "acme")).build());
		this.searches.clear();
		this.created.clear();
		this.updated.clear();
		this.passwordsSet.clear();
		this.unlocked.clear();
		this.secondFactorsReset.clear();
		this.secondFactorRequired.clear();
		this.authenticatorApps.clear();
		this.actors.clear();
		this.refusal.clear();
	}

	@Override
	public boolean untouched() {
		return this.created.isEmpty() && this.updated.isEmpty() && this.passwordsSet.isEmpty()
				&& this.unlocked.isEmpty();
	}

	/** Adds or replaces a user. */
	public void save(UserView user) {
		this.users.put(user.id(), user);
	}

	/**
	 * The next create, update or new password throws this instead of changing anything.
	 */
	public void refuseNext(RuntimeException refusal) {
		this.refusal.set(refusal);
	}

	@Override
	public Page<UserView> search(String query, int page, int size) {
		this.searches.add(new Search(query, page, size));
		String needle = query.toLowerCase(Locale.ROOT);
		List<UserView> matching = this.users.values()
			.stream()
			.filter((user) -> user.username().contains(needle)
					|| (user.email() != null && user.email().toLowerCase(Locale.ROOT).contains(needle)))
			.toList();
		return TestPages.slice(matching, page, size);
	}

	@Override
	public UserView get(String id) {
		UserView user = this.users.get(id);
		if (user == null) {
			throw new NotFoundException("User");
		}
		return user;
	}

	@Override
	public UserView create(UserDraft draft, String password, Actor actor) {
		this.refusal.throwIfSet();
		this.created.add(new Created(draft, password));
		this.actors.add(actor);
		UserView user = view(NEW_USER_ID, draft);
		save(user);
		return user;
	}

	@Override
	public UserView update(String id, UserDraft draft, Actor actor) {
		get(id);
		this.refusal.throwIfSet();
		this.updated.put(id, draft);
		this.actors.add(actor);
		UserView user = view(id, draft);
		save(user);
		return user;
	}

	@Override
	public void setPassword(String id, String password, boolean signOutEverywhere, Actor actor) {
		get(id);
		this.refusal.throwIfSet();
		this.passwordsSet.add(new PasswordSet(id, password, signOutEverywhere));
		this.actors.add(actor);
	}

	@Override
	public UserView unlock(String id, Actor actor) {
		UserView user = get(id);
		this.unlocked.add(id);
		this.actors.add(actor);
		return user;
	}

	@Override
	public boolean resetSecondFactors(String id, Actor actor) {
		get(id);
		this.secondFactorsReset.add(id);
		this.actors.add(actor);
		return true;
	}

	@Override
	public SecondFactorsView secondFactors(String id) {
		get(id);
		return new SecondFactorsView(this.secondFactorRequired.contains(id), this.authenticatorApps.contains(id),
				this.authenticatorApps.contains(id) ? 10 : 0, List.of(), false);
	}

	@Override
	public void importAuthenticatorApp(String id, String base32Secret, Actor actor) {
		get(id);
		if (base32Secret == null || !base32Secret.matches("[A-Z2-7]{26,}")) {
			throw new InvalidInputException("totp_secret", "totp-secret.invalid");
		}
		this.authenticatorApps.add(id);
		this.actors.add(actor);
	}

	/** Whether every sign-in of the user must have two factors. */
	public boolean secondFactorRequired(String id) {
		return secondFactors(id).required();
	}

	@Override
	public void requireSecondFactor(String id, boolean required, Actor actor) {
		get(id);
		if (required) {
			this.secondFactorRequired.add(id);
		}
		else {
			this.secondFactorRequired.remove(id);
		}
		this.actors.add(actor);
	}

	public List<String> secondFactorsReset() {
		return List.copyOf(this.secondFactorsReset);
	}

	public List<Search> searches() {
		return List.copyOf(this.searches);
	}

	public List<Created> created() {
		return List.copyOf(this.created);
	}

	/** Drafts saved over existing users, by id. */
	public Map<String, UserDraft> updated() {
		return Map.copyOf(this.updated);
	}

	public List<PasswordSet> passwordsSet() {
		return List.copyOf(this.passwordsSet);
	}

	public List<String> unlocked() {
		return List.copyOf(this.unlocked);
	}

	/** Who asked for each change, in order. */
	public List<Actor> actors() {
		return List.copyOf(this.actors);
	}

	private static UserView view(String id, UserDraft draft) {
		return TestUserViews.user(draft.username())
			.id(id)
			.email(draft.email())
			.enabled(draft.enabled())
			.locked(draft.locked())
			.roles(draft.roles().toArray(String[]::new))
			.attributes(draft.attributes())
			.claims((draft.claims() != null) ? draft.claims() : Map.of())
			.build();
	}

	/** One search as the console asked it. */
	public record Search(String query, int page, int size) {
	}

	/** A user created, with the password it was given. */
	public record Created(UserDraft draft, String password) {
	}

	/** A new password set. */
	public record PasswordSet(String id, String password, boolean signOutEverywhere) {
	}

}
