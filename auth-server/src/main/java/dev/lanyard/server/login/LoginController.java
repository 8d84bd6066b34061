package dev.lanyard.server.login;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import dev.lanyard.server.account.PasswordResets;
import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.federation.FederatedAccounts.FederatedSignInException;
import dev.lanyard.server.federation.IdentityProvider;
import dev.lanyard.server.federation.IdentityProviders;
import dev.lanyard.server.federation.UpstreamLogout;
import dev.lanyard.server.client.OAuthClient;
import dev.lanyard.server.web.ClientLogo;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** The hosted login page and the pages around a login session. */
@Controller
class LoginController {

	private final HttpSessionRequestCache requestCache = new HttpSessionRequestCache();

	private final ClientService clients;

	private final PasswordResets resets;

	private final Clock clock;

	private final Passkeys passkeys;

	private final SecondFactors secondFactors;

	private final IdentityProviders identityProviders;

	private final UpstreamLogout upstreamLogout;

	LoginController(ClientService clients, PasswordResets resets, Clock clock, Passkeys passkeys,
			SecondFactors secondFactors, IdentityProviders identityProviders, UpstreamLogout upstreamLogout) {
		this.identityProviders = identityProviders;
		this.upstreamLogout = upstreamLogout;
		this.clients = clients;
		this.resets = resets;
		this.clock = clock;
		this.passkeys = passkeys;
		this.secondFactors = secondFactors;
	}

	@GetMapping("/login")
	String login(HttpServletRequest request, HttpServletResponse response, Model model) {
		SavedRequest saved = this.requestCache.getRequest(request, response);
		if (saved != null) {
			String[] clientIds = saved.getParameterValues("client_id");
			if (clientIds != null && clientIds.length == 1) {
				this.clients.findByClientId(clientIds[0]).filter(OAuthClient::enabled).ifPresent((client) -> {
					model.addAttribute("clientName", client.clientName());
					ClientLogo.show(model, response, client.logoUri());
				});
			}
		}
		model.addAttribute("error", request.getParameter("error") != null);
		model.addAttribute("throttled", request.getParameter("throttled") != null);
		model.addAttribute("expired", request.getParameter("expired") != null);
		model.addAttribute("passkeyRefused", request.getParameter("passkey") != null);
		model.addAttribute("passwordReset", this.resets.enabled());
		List<IdentityProvider> upstreams = this.identityProviders.enabled();
		model.addAttribute("identityProviders", upstreams);
		upstreamProblem(request, upstreams, model);
		return "login";
	}

	/**
	 * What went wrong at an upstream identity provider ({@link FederatedSignIn}), naming
	 * it; nothing for an unknown provider or problem.
	 */
	private static void upstreamProblem(HttpServletRequest request, List<IdentityProvider> upstreams, Model model) {
		String providerId = request.getParameter("upstream");
		String problem = request.getParameter("problem");
		if (providerId == null || problem == null) {
			return;
		}
		for (FederatedSignInException.Reason reason : FederatedSignInException.Reason.values()) {
			if (reason.code().equals(problem)) {
				upstreams.stream()
					.filter((provider) -> provider.id().equals(providerId))
					.findFirst()
					.ifPresent((provider) -> {
						model.addAttribute("upstreamProblem", "login.upstream." + reason.code());
						model.addAttribute("upstreamName", provider.displayName());
					});
			}
		}
	}

	/**
	 * The second step of signing in ({@link SecondFactorStep}); without a sign-in waiting
	 * for it, the login page.
	 */
	@GetMapping(SecondFactorStep.PATH)
	String secondFactor(HttpServletRequest request, Model model) {
		PendingSignIn pending = PendingSignIn.of(request, this.clock.instant());
		if (pending == null) {
			return "redirect:/login?expired";
		}
		model.addAttribute("error", request.getParameter("error") != null);
		model.addAttribute("throttled", request.getParameter("throttled") != null);
		model.addAttribute("blocked", request.getParameter("blocked") != null);
		model.addAttribute("passkeyRefused", request.getParameter("passkey") != null);
		UUID person = ((LanyardUser) pending.passwordSignIn().getPrincipal()).id();
		model.addAttribute("passkeys", this.passkeys.any(person));
		SecondFactors.Status status = this.secondFactors.status(person);
		model.addAttribute("authenticatorApp", status.authenticatorApp());
		model.addAttribute("codes", status.authenticatorApp() || status.recoveryCodesLeft() > 0);
		return "second-factor";
	}

	/**
	 * Options to sign in with a passkey alone (WebAuthn), for the login page's script.
	 */
	@PostMapping(path = PasskeySignIn.PATH + "/options", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	String passkeySignInOptions(HttpServletRequest request) {
		return this.passkeys.signInOptions(request);
	}

	/** Options to give one of the waiting sign-in's passkeys as the second factor. */
	@PostMapping(path = SecondFactorStep.PASSKEY_PATH + "/options", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> passkeySecondFactorOptions(HttpServletRequest request) {
		PendingSignIn pending = PendingSignIn.of(request, this.clock.instant());
		if (pending == null) {
			return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.passkeys.secondFactorOptions(request, pending.passwordSignIn()));
	}

	@GetMapping("/")
	String home(Authentication authentication, Model model) {
		if (authentication.getPrincipal() instanceof LanyardUser user) {
			model.addAttribute("loginName", user.loginName());
		}
		return "home";
	}

	/** The logout confirmation page; a POST to the same address signs out. */
	@GetMapping("/logout")
	String confirmLogout(Authentication authentication, HttpServletRequest request, Model model) {
		if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
			return "redirect:/logout/done";
		}
		HttpSession session = request.getSession(false);
		if (session != null && session.getAttribute(PendingLogout.SESSION_ATTRIBUTE) instanceof PendingLogout pending) {
			model.addAttribute("clientName", pending.clientName());
			model.addAttribute("logoutRequest", pending.id());
		}
		return "logout";
	}

	/**
	 * Back from signing out at an upstream identity provider: on to where this server's
	 * sign-out was to send the person.
	 */
	@GetMapping(UpstreamLogout.RETURN_PATH)
	String upstreamSignedOut(HttpServletRequest request, @RequestParam(required = false) String state) {
		return "redirect:" + this.upstreamLogout.returned(request, state);
	}

	@GetMapping("/logout/done")
	String loggedOut() {
		return "logged-out";
	}

}
