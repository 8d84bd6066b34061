package dev.lanyard.server.bootstrap;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.storage.AdvisoryLocks;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code /setup}: creates the first administrator on a first start without one, from the
 * link the log printed ({@link FirstRunSetup}). Anything else — another machine, a wrong
 * token, an administrator already there — is "not found".
 */
@Controller
@RequestMapping("/setup")
class FirstRunSetupController {

	private final FirstRunSetup setup;

	private final UserService users;

	private final AuditLog audit;

	private final TransactionTemplate transactions;

	private final DataSource dataSource;

	FirstRunSetupController(FirstRunSetup setup, UserService users, AuditLog audit, TransactionTemplate transactions,
			DataSource dataSource) {
		this.setup = setup;
		this.users = users;
		this.audit = audit;
		this.transactions = transactions;
		this.dataSource = dataSource;
	}

	@GetMapping
	String page(@RequestParam(required = false) String token, HttpServletRequest request, Model model) {
		requireAdmitted(token, request);
		model.addAttribute("token", token);
		return "setup";
	}

	@PostMapping
	String create(@RequestParam(required = false) String token, @RequestParam(defaultValue = "") String username,
			@RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String passwordAgain,
			HttpServletRequest request, Model model) {
		requireAdmitted(token, request);
		model.addAttribute("token", token);
		model.addAttribute("username", username);
		if (!password.equals(passwordAgain)) {
			model.addAttribute("problem", "setup.password-mismatch");
			return "setup";
		}
		Optional<String> weak = this.users.passwordProblem(password, username, null);
		if (weak.isPresent()) {
			model.addAttribute("problem", weak.get());
			return "setup";
		}
		String problem;
		try {
			problem = this.transactions.execute((status) -> {
				AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.dataSource);
				if (this.users.anAdministratorExists()) {
					return "exists";
				}
				UserAccount admin = this.users.create(username.strip(), null, password, true, false,
						List.of(UserService.ADMINISTRATOR_ROLE), Map.of(), Map.of());
				this.audit.record("system", "bootstrap.admin_created", "user:" + admin.id(), request.getRemoteAddr(),
						Map.of("username", admin.username(), "by", "setup page"));
				return null;
			});
		}
		catch (InputRejectedException ex) {
			model.addAttribute("problem", "setup.username-invalid");
			return "setup";
		}
		this.setup.close();
		if ("exists".equals(problem)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		return "redirect:/admin";
	}

	private void requireAdmitted(String token, HttpServletRequest request) {
		if (!this.setup.admits(request, token) || this.users.anAdministratorExists()) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
	}

}
