package dev.lanyard.admin.audit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's audit log page, filterable by actor, action and day. */
@Controller
@RequestMapping("/admin/audit")
class AuditConsoleController {

	private static final int PAGE_SIZE = 50;

	private final AuditAdministration audit;

	AuditConsoleController(AuditAdministration audit) {
		this.audit = audit;
	}

	@GetMapping
	String list(@RequestParam(defaultValue = "") String actor, @RequestParam(defaultValue = "") String action,
			@RequestParam(defaultValue = "") String from, @RequestParam(defaultValue = "") String to,
			@RequestParam(defaultValue = "0") int page, Model model) {
		AuditQuery query = new AuditQuery(blankToNull(actor), blankToNull(action), day(from, 0), day(to, 1));
		model.addAttribute("actor", actor);
		model.addAttribute("action", action);
		model.addAttribute("from", from);
		model.addAttribute("to", to);
		model.addAttribute("events", this.audit.search(query, Math.max(0, page), PAGE_SIZE));
		return "admin/audit";
	}

	private static String blankToNull(String value) {
		return value.isBlank() ? null : value.strip();
	}

	/** A yyyy-mm-dd day as an instant (UTC), or {@code null} when empty or unreadable. */
	private static Instant day(String value, int plusDays) {
		if (value.isBlank()) {
			return null;
		}
		try {
			return LocalDate.parse(value.strip()).plusDays(plusDays).atStartOfDay().toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			// Unreadable, or a day the next of which has no date (+999999999-12-31).
			return null;
		}
	}

}
