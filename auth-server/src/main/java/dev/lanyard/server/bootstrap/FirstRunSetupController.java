package dev.lanyard.server.bootstrap;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import dev.lanyard.server.AlreadyExistsException;
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
 * {@code /setup}: creates the first administrator of a database that never had one, for
 * whoever gives the token this node wrote to its data directory ({@link FirstRunSetup}).
 * Once any account holds the administrator role — even disabled or locked — the page is
 * "not found" on every node, for good.
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
	String page() {
		requireOpen();
		return "setup";
	}

	@PostMapping
	String create(@RequestParam(defaultValue = "") String token, @RequestParam(defaultValue = "") String username,
			@RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String passwordAgain,
			HttpServletRequest request, Model model) {
		requireOpen();
		String name = username.strip();
		model.addAttribute("username", name);
		if (!this.setup.admits(token)) {
			model.addAttribute("problem", "setup.token-wrong");
			return "setup";
		}
		if (!password.equals(passwordAgain)) {
			model.addAttribute("problem", "setup.password-mismatch");
			return "setup";
		}
		Optional<String> weak = this.users.passwordProblem(password, name, null);
		if (weak.isPresent()) {
			model.addAttribute("problem", weak.get());
			return "setup";
		}
		String outcome;
		try {
			outcome = this.transactions.execute((status) -> {
				AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.dataSource);
				if (this.users.anAdministratorEverExisted()) {
					return "exists";
				}
				UserAccount admin = this.users.create(name, null, password, true, false,
						List.of(UserService.ADMINISTRATOR_ROLE), Map.of(), Map.of());
				this.users.rememberAnAdministratorExisted();
				this.audit.record("system", "bootstrap.admin_created", "user:" + admin.id(), request.getRemoteAddr(),
						Map.of("username", admin.username(), "by", "setup page"));
				return "created";
			});
		}
		catch (AlreadyExistsException ex) {
			model.addAttribute("problem", "setup.username-taken");
			return "setup";
		}
		catch (InputRejectedException ex) {
			model.addAttribute("problem", "setup.username-invalid");
			return "setup";
		}
		this.setup.close();
		if (!"created".equals(outcome)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		return "redirect:/admin";
	}

	private void requireOpen() {
		if (this.users.anAdministratorEverExisted()) {
			this.setup.close();
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
	}

}
