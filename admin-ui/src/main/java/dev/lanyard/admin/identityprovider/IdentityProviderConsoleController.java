package dev.lanyard.admin.identityprovider;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.ShownVersion;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration.ProviderDraft;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration.ProviderView;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's upstream identity providers: the list, a form to add or change one (the
 * client secret is write-only: left empty, the stored one stays), and removal. A provider
 * decides who may sign in and with which roles, so every change asks for the
 * administrator's password again.
 */
@Controller
@RequestMapping("/admin/identity-providers")
class IdentityProviderConsoleController {

	private final IdentityProviderAdministration providers;

	private final AdminIdentity identity;

	IdentityProviderConsoleController(IdentityProviderAdministration providers, AdminIdentity identity) {
		this.providers = providers;
		this.identity = identity;
	}

	@ModelAttribute("section")
	String section() {
		return "identity-providers";
	}

	@GetMapping
	String list(@RequestParam(required = false) String edit, Model model) {
		ProviderForm form = (edit != null) ? ProviderForm.of(this.providers.get(edit)) : ProviderForm.empty();
		return page(model, form, edit != null);
	}

	@PostMapping
	String save(@ModelAttribute("form") ProviderForm form, @RequestParam(defaultValue = "false") boolean editing,
			@RequestParam(required = false) String confirmPassword, Model model) {
		if (!this.identity.confirmPassword(confirmPassword)) {
			model.addAttribute("passwordWrong", true);
			return page(model, form, editing);
		}
		if (!editing && this.providers.list().stream().anyMatch((provider) -> provider.id().equals(form.id()))) {
			// Adding a provider whose id is taken would replace that provider (its secret
			// kept): changing one starts from its own form.
			model.addAttribute("problems", List.of(new FieldProblem("id", "idp.id.taken")));
			return page(model, form, false);
		}
		try {
			this.providers.save(form.toDraft(), this.identity.current());
		}
		catch (InvalidInputException ex) {
			model.addAttribute("problems", ex.problems());
			return page(model, form, editing);
		}
		catch (ConflictException ex) {
			// Someone changed the provider since this form was shown (or its version
			// was not one): saving it would undo that change (a provider disabled in an
			// incident enabled again).
			model.addAttribute("problems", List.of(new FieldProblem("", "idp.changed-meanwhile")));
			return page(model, form, editing);
		}
		return "redirect:/admin/identity-providers?saved";
	}

	@PostMapping("/{id}/delete")
	String delete(@PathVariable String id, @RequestParam(required = false) String confirmPassword, Model model) {
		if (!this.identity.confirmPassword(confirmPassword)) {
			model.addAttribute("deletePasswordWrong", id);
			return page(model, ProviderForm.empty(), false);
		}
		this.providers.delete(id, this.identity.current());
		return "redirect:/admin/identity-providers?deleted";
	}

	private String page(Model model, ProviderForm form, boolean editing) {
		model.addAttribute("providers", this.providers.list());
		model.addAttribute("form", form);
		model.addAttribute("editing", editing);
		return "admin/identity-providers";
	}

	/**
	 * The form's fields as typed: lists separated by spaces or commas, claim mappings one
	 * {@code field=claim} per line.
	 */
	record ProviderForm(String id, String displayName, String issuer, String authorizationUri, String tokenUri,
			String userInfoUri, String subjectAttribute, String clientId, String clientSecret,
			String tokenEndpointAuthMethod, String scopes, Boolean linkByVerifiedEmail, Boolean createUsers,
			String defaultRoles, String claimMappings, Boolean trustUpstreamMfa, Boolean upstreamLogout,
			Boolean enabled, String version) {

		/** Never the client secret (a form may end up in a log with its binding). */
		@Override
		public String toString() {
			return "ProviderForm[" + this.id + "]";
		}

		static ProviderForm empty() {
			return new ProviderForm("", "", "", "", "", "", "", "", "", "", "openid profile email", false, false, "",
					"", false, false, true, "");
		}

		static ProviderForm of(ProviderView view) {
			StringBuilder mappings = new StringBuilder();
			view.claimMappings()
				.forEach((field, claim) -> mappings.append(field).append('=').append(claim).append('\n'));
			return new ProviderForm(view.id(), view.displayName(), text(view.issuer()), text(view.authorizationUri()),
					text(view.tokenUri()), text(view.userInfoUri()), text(view.subjectAttribute()), view.clientId(), "",
					text(view.tokenEndpointAuthMethod()), String.join(" ", view.scopes()), view.linkByVerifiedEmail(),
					view.createUsers(), String.join(" ", view.defaultRoles()), mappings.toString(),
					view.trustUpstreamMfa(), view.upstreamLogout(), view.enabled(), ShownVersion.of(view.updatedAt()));
		}

		ProviderDraft toDraft() {
			return new ProviderDraft(strip(this.id), strip(this.displayName), blankToNull(this.issuer),
					blankToNull(this.authorizationUri), blankToNull(this.tokenUri), blankToNull(this.userInfoUri),
					blankToNull(this.subjectAttribute), strip(this.clientId), blankToNull(this.clientSecret),
					blankToNull(this.tokenEndpointAuthMethod), words(this.scopes),
					Boolean.TRUE.equals(this.linkByVerifiedEmail), Boolean.TRUE.equals(this.createUsers),
					words(this.defaultRoles), mappings(this.claimMappings), Boolean.TRUE.equals(this.trustUpstreamMfa),
					Boolean.TRUE.equals(this.upstreamLogout), Boolean.TRUE.equals(this.enabled), seenAt());
		}

		private java.time.Instant seenAt() {
			try {
				return ShownVersion.parse(this.version);
			}
			catch (IllegalArgumentException ex) {
				throw new ConflictException(ConflictException.CHANGED_MEANWHILE, "Not a version");
			}
		}

		private static List<String> words(String text) {
			return (text == null) ? List.of()
					: Arrays.stream(text.split("[\\s,]+")).filter((word) -> !word.isEmpty()).toList();
		}

		/**
		 * {@code field=claim} lines; a line without {@code =} maps the name to itself.
		 */
		private static Map<String, String> mappings(String text) {
			Map<String, String> mappings = new LinkedHashMap<>();
			if (text == null) {
				return mappings;
			}
			for (String line : text.split("\\R")) {
				String trimmed = line.strip();
				if (trimmed.isEmpty()) {
					continue;
				}
				int equals = trimmed.indexOf('=');
				String field = (equals < 0) ? trimmed : trimmed.substring(0, equals).strip();
				String claim = (equals < 0) ? trimmed : trimmed.substring(equals + 1).strip();
				mappings.put(field, claim);
			}
			return mappings;
		}

		private static String strip(String text) {
			return (text != null) ? text.strip() : null;
		}

		private static String blankToNull(String text) {
			return (text == null || text.isBlank()) ? null : text.strip();
		}

		private static String text(String value) {
			return (value != null) ? value : "";
		}

	}

}
