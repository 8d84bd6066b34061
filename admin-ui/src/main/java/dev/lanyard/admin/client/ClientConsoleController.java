package dev.lanyard.admin.client;

import java.util.List;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.ConfirmationRules;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FormErrors;
import dev.lanyard.admin.InvalidInputException;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's client pages: list, register, change, new secret, delete. */
@Controller
@RequestMapping("/admin/clients")
class ClientConsoleController {

	private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials",
			"urn:ietf:params:oauth:grant-type:device_code", TOKEN_EXCHANGE);

	private static final int PAGE_SIZE = 20;

	private final ClientAdministration clients;

	private final AdminIdentity identity;

	ClientConsoleController(ClientAdministration clients, AdminIdentity identity) {
		this.clients = clients;
		this.identity = identity;
	}

	@ModelAttribute("grantTypeChoices")
	List<String> grantTypeChoices() {
		return GRANT_TYPES;
	}

	@GetMapping
	String list(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "0") int page, Model model) {
		model.addAttribute("q", q);
		model.addAttribute("clients", this.clients.search(q, Math.max(0, page), PAGE_SIZE));
		return "admin/clients";
	}

	@GetMapping("/new")
	String newClient(Model model) {
		model.addAttribute("form", new ClientForm());
		model.addAttribute("creating", true);
		return "admin/client-form";
	}

	@PostMapping("/new")
	String create(@ModelAttribute("form") ClientForm form, BindingResult binding, Model model) {
		model.addAttribute("creating", true);
		// A value that could not be bound (a checkbox posted as neither true nor
		// false) has left the form's default in place: saving it would change what
		// was not asked for.
		if (binding.hasErrors()) {
			return "admin/client-form";
		}
		ClientDraft draft = draft(form, binding);
		if (draft == null) {
			return "admin/client-form";
		}
		if (ConfirmationRules.clientChange(null, draft) && !this.identity.confirmPassword(form.getConfirmPassword())) {
			FormErrors.reject(binding, "confirmPassword", "confirm-password.wrong");
			return "admin/client-form";
		}
		try {
			ClientAdministration.ClientWithSecret created = this.clients.create(draft, this.identity.current());
			model.addAttribute("client", created.client());
			model.addAttribute("secret", created.clientSecret());
			return "admin/client-secret";
		}
		catch (InvalidInputException ex) {
			FormErrors.reject(binding, ex);
		}
		catch (ConflictException ex) {
			FormErrors.reject(binding, "client_id", "client-id.taken");
		}
		return "admin/client-form";
	}

	@GetMapping("/{clientId}")
	String edit(@PathVariable String clientId, Model model) {
		return editForm(this.clients.get(clientId), model);
	}

	private static String editForm(ClientView client, Model model) {
		model.addAttribute("form", ClientForm.of(client));
		model.addAttribute("client", client);
		model.addAttribute("creating", false);
		return "admin/client-form";
	}

	@PostMapping("/{clientId}")
	String update(@PathVariable String clientId, @ModelAttribute("form") ClientForm form, BindingResult binding,
			Model model) {
		ClientView current = this.clients.get(clientId);
		model.addAttribute("client", current);
		model.addAttribute("creating", false);
		form.setClientId(clientId);
		// The type cannot change, and its (disabled) radio buttons are not posted.
		form.setType(current.publicClient() ? "public" : "confidential");
		// As when registering: a value that could not be bound is refused, not defaulted.
		if (binding.hasErrors()) {
			return "admin/client-form";
		}
		ClientDraft draft = draft(form, binding);
		if (draft == null) {
			return "admin/client-form";
		}
		if (ConfirmationRules.clientChange(current, draft)
				&& !this.identity.confirmPassword(form.getConfirmPassword())) {
			FormErrors.reject(binding, "confirmPassword", "confirm-password.wrong");
			return "admin/client-form";
		}
		try {
			this.clients.update(clientId, draft, this.identity.current());
			return "redirect:/admin/clients/" + clientId + "?saved";
		}
		catch (InvalidInputException ex) {
			FormErrors.reject(binding, ex);
			return "admin/client-form";
		}
		catch (ConflictException ex) {
			// Someone changed the client since this form was shown: saving it would undo
			// that change (a client disabled in an incident enabled again).
			FormErrors.reject(binding, null, "client.changed-meanwhile");
			return "admin/client-form";
		}
	}

	@PostMapping("/{clientId}/secret")
	String regenerateSecret(@PathVariable String clientId, @RequestParam(required = false) String confirmPassword,
			Model model) {
		ClientView client = this.clients.get(clientId);
		if (!client.hasSecret()) {
			// No form offers it (a public or private_key_jwt client): a made-up or stale
			// request gets the client's page, which says why.
			return editForm(client, model);
		}
		if (!this.identity.confirmPassword(confirmPassword)) {
			model.addAttribute("secretPasswordWrong", true);
			return editForm(client, model);
		}
		ClientAdministration.ClientWithSecret regenerated = this.clients.regenerateSecret(clientId,
				this.identity.current());
		model.addAttribute("client", regenerated.client());
		model.addAttribute("secret", regenerated.clientSecret());
		return "admin/client-secret";
	}

	@GetMapping("/{clientId}/delete")
	String confirmDelete(@PathVariable String clientId, Model model) {
		model.addAttribute("client", this.clients.get(clientId));
		return "admin/client-delete";
	}

	/**
	 * Deletes a client once the administrator's password is confirmed: unlike disabling
	 * (which an incident needs at once, and which can be undone), it cannot be taken
	 * back.
	 */
	@PostMapping("/{clientId}/delete")
	String delete(@PathVariable String clientId, @RequestParam(required = false) String confirmPassword, Model model) {
		ClientView client = this.clients.get(clientId);
		if (!this.identity.confirmPassword(confirmPassword)) {
			model.addAttribute("client", client);
			model.addAttribute("passwordWrong", true);
			return "admin/client-delete";
		}
		this.clients.delete(clientId, this.identity.current());
		return "redirect:/admin/clients?deleted";
	}

	private static ClientDraft draft(ClientForm form, BindingResult binding) {
		try {
			return form.toDraft();
		}
		catch (IllegalArgumentException ex) {
			binding.rejectValue(ex.getMessage(), "duration.format", "duration.format");
			return null;
		}
	}

}
