package dev.lanyard.admin.session;

import dev.lanyard.admin.AdminIdentity;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's sessions page: active grants per user or per client, and revoking them.
 */
@Controller
@RequestMapping("/admin/sessions")
class SessionConsoleController {

	private static final int CLIENT_LIMIT = 200;

	private final SessionAdministration sessions;

	private final AdminIdentity identity;

	SessionConsoleController(SessionAdministration sessions, AdminIdentity identity) {
		this.sessions = sessions;
		this.identity = identity;
	}

	@GetMapping
	String list(@RequestParam(required = false) String user, @RequestParam(required = false) String client,
			Model model) {
		model.addAttribute("user", user);
		model.addAttribute("client", client);
		model.addAttribute("active", this.sessions.activeCount());
		if (user != null && !user.isBlank()) {
			model.addAttribute("grants", this.sessions.forUser(user));
		}
		else if (client != null && !client.isBlank()) {
			model.addAttribute("grants", this.sessions.forClient(client, CLIENT_LIMIT));
		}
		return "admin/sessions";
	}

	@PostMapping("/revoke")
	String revoke(@RequestParam String grant, @RequestParam(required = false) String user,
			@RequestParam(required = false) String client) {
		this.sessions.revoke(grant, this.identity.current());
		return back(user, client) + "&revoked";
	}

	@PostMapping("/revoke-all")
	String revokeAll(@RequestParam(required = false) String user, @RequestParam(required = false) String client) {
		if (user != null && !user.isBlank()) {
			this.sessions.revokeAllForUser(user, this.identity.current());
		}
		else if (client != null && !client.isBlank()) {
			this.sessions.revokeAllForClient(client, this.identity.current());
		}
		return back(user, client) + "&revoked";
	}

	private static String back(String user, String client) {
		if (user != null && !user.isBlank()) {
			return "redirect:/admin/sessions?user=" + encode(user);
		}
		return "redirect:/admin/sessions?client=" + encode((client != null) ? client : "");
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

}
