package dev.lanyard.admin.user;

import java.util.List;
import java.util.function.Function;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.ConfirmationRules;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.FormErrors;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's user pages: list, create, change, new password, unlock, reset of second
 * factors.
 */
@Controller
@RequestMapping("/admin/users")
class UserConsoleController {

	private static final int PAGE_SIZE = 20;

	private final UserAdministration users;

	private final AdminIdentity identity;

	private final IdentityProviderAdministration identityProviders;

	UserConsoleController(UserAdministration users, AdminIdentity identity,
			IdentityProviderAdministration identityProviders) {
		this.users = users;
		this.identity = identity;
		this.identityProviders = identityProviders;
	}

	@GetMapping
	String list(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "0") int page, Model model) {
		model.addAttribute("q", q);
		model.addAttribute("users", this.users.search(q, Math.max(0, page), PAGE_SIZE));
		return "admin/users";
	}

	@GetMapping("/new")
	String newUser(Model model) {
		model.addAttribute("form", new UserForm());
		model.addAttribute("creating", true);
		return "admin/user-form";
	}

	@PostMapping("/new")
	String create(@ModelAttribute("form") UserForm form, BindingResult binding, Model model) {
		model.addAttribute("creating", true);
		return save(form, binding, null, (draft) -> {
			UserView user = this.users.create(draft, form.getPassword(), this.identity.current());
			return "redirect:/admin/users/" + user.id() + "?created";
		});
	}

	@GetMapping("/{id}")
	String edit(@PathVariable String id, Model model) {
		UserView user = this.users.get(id);
		model.addAttribute("user", user);
		model.addAttribute("form", UserForm.of(user));
		model.addAttribute("creating", false);
		signInMethods(model, id);
		return "admin/user-form";
	}

	@PostMapping("/{id}")
	String update(@PathVariable String id, @ModelAttribute("form") UserForm form, BindingResult binding, Model model) {
		UserView current = this.users.get(id);
		model.addAttribute("user", current);
		model.addAttribute("creating", false);
		signInMethods(model, id);
		return save(form, binding, current, (draft) -> {
			this.users.update(id, draft, this.identity.current());
			return "redirect:/admin/users/" + id + "?saved";
		});
	}

	/** Applies a form through {@code change}, or shows it again with what was wrong. */
	private String save(UserForm form, BindingResult binding, UserView current, Function<UserDraft, String> change) {
		// A value that could not be bound (a checkbox posted as neither true nor
		// false) has left the form's default in place: saving it would change what
		// was not asked for.
		if (binding.hasErrors()) {
			return "admin/user-form";
		}
		try {
			UserDraft draft = form.toDraft();
			if (!confirmedIfNeeded(current, draft, form, binding)) {
				return "admin/user-form";
			}
			return change.apply(draft);
		}
		catch (InvalidInputException ex) {
			FormErrors.reject(binding, ex);
		}
		catch (ConflictException ex) {
			if (ConflictException.CHANGED_MEANWHILE.equals(ex.field())) {
				// Someone changed the account since this form was shown: saving it would
				// undo that change (an account disabled in an incident enabled again).
				FormErrors.reject(binding, null, "user.changed-meanwhile");
			}
			else {
				FormErrors.reject(binding, "username", "username.taken");
			}
		}
		catch (IllegalArgumentException ex) {
			FormErrors.reject(binding, "attributes", "attributes.format");
		}
		return "admin/user-form";
	}

	@PostMapping("/{id}/password")
	String setPassword(@PathVariable String id, @RequestParam(required = false) String password,
			@RequestParam(required = false) String confirmPassword,
			@RequestParam(defaultValue = "false") boolean signOutEverywhere, Model model) {
		UserView user = this.users.get(id);
		if (!this.identity.confirmPassword(confirmPassword)) {
			return passwordPageWithError(user, "confirm-password.wrong", model);
		}
		try {
			this.users.setPassword(id, password, signOutEverywhere, this.identity.current());
			return "redirect:/admin/users/" + id + "?password";
		}
		catch (InvalidInputException ex) {
			List<FieldProblem> problems = ex.problems();
			return passwordPageWithError(user, problems.isEmpty() ? FormErrors.INPUT_INVALID : problems.get(0).code(),
					model);
		}
	}

	/**
	 * Unlocks the user and forgets their wrong passwords; for an administrator, with the
	 * administrator's own password ({@link ConfirmationRules#unlock}).
	 */
	@PostMapping("/{id}/unlock")
	String unlock(@PathVariable String id, @RequestParam(required = false) String confirmPassword, Model model) {
		UserView user = this.users.get(id);
		if (ConfirmationRules.unlock(user) && !this.identity.confirmPassword(confirmPassword)) {
			return secondFactorsPageWithError(user, "unlockError", model);
		}
		this.users.unlock(id, this.identity.current());
		return "redirect:/admin/users/" + id + "?unlocked";
	}

	/**
	 * Sets whether every sign-in of the user must have two factors, with the
	 * administrator's own password.
	 */
	@PostMapping("/{id}/second-factors/required")
	String requireSecondFactor(@PathVariable String id, @RequestParam(defaultValue = "false") boolean required,
			@RequestParam(required = false) String confirmPassword, Model model) {
		UserView user = this.users.get(id);
		if (!this.identity.confirmPassword(confirmPassword)) {
			return secondFactorsPageWithError(user, "requiredError", model);
		}
		this.users.requireSecondFactor(id, required, this.identity.current());
		return "redirect:/admin/users/" + id + "?second-factor-required-saved";
	}

	/**
	 * Removes the user's second factors (a lost phone, or codes blocked by guesses): a
	 * way into the account, so it needs the administrator's own password.
	 */
	@PostMapping("/{id}/second-factors/reset")
	String resetSecondFactors(@PathVariable String id, @RequestParam(required = false) String confirmPassword,
			Model model) {
		UserView user = this.users.get(id);
		if (!this.identity.confirmPassword(confirmPassword)) {
			return secondFactorsPageWithError(user, "secondFactorsError", model);
		}
		this.users.resetSecondFactors(id, this.identity.current());
		return "redirect:/admin/users/" + id + "?second-factors-reset";
	}

	/**
	 * Giving someone the admin role, or an account another e-mail address, hands over the
	 * server or the account, so it needs the administrator's password again (OWASP ASVS
	 * 5.0 §7.5.1; {@link ConfirmationRules#userChange}).
	 * @return whether the change may go ahead
	 */
	private boolean confirmedIfNeeded(UserView current, UserDraft draft, UserForm form, BindingResult binding) {
		if (ConfirmationRules.userChange(current, draft) && !this.identity.confirmPassword(form.getConfirmPassword())) {
			FormErrors.reject(binding, "confirmPassword", "confirm-password.wrong");
			return false;
		}
		return true;
	}

	@PostMapping("/{id}/identities/{providerId}/unlink")
	String unlink(@PathVariable String id, @PathVariable String providerId) {
		this.identityProviders.unlink(id, providerId, this.identity.current());
		return "redirect:/admin/users/" + id + "?identity-unlinked";
	}

	/**
	 * The person's ways to sign in besides the password: second factors, upstream
	 * identities.
	 */
	private void signInMethods(Model model, String id) {
		model.addAttribute("secondFactors", this.users.secondFactors(id));
		model.addAttribute("identities", this.identityProviders.linksOf(id));
	}

	private String secondFactorsPageWithError(UserView user, String errorAttribute, Model model) {
		model.addAttribute(errorAttribute, "confirm-password.wrong");
		model.addAttribute("user", user);
		model.addAttribute("form", UserForm.of(user));
		model.addAttribute("creating", false);
		signInMethods(model, user.id());
		return "admin/user-form";
	}

	private String passwordPageWithError(UserView user, String code, Model model) {
		model.addAttribute("user", user);
		model.addAttribute("form", UserForm.of(user));
		model.addAttribute("creating", false);
		model.addAttribute("passwordError", code);
		signInMethods(model, user.id());
		return "admin/user-form";
	}

}
