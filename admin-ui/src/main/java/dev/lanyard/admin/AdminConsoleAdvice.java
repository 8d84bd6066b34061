package dev.lanyard.admin;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.InvalidPropertyException;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * What every console page shares: who is signed in, the current section, and the
 * not-found and bad-request pages.
 */
@ControllerAdvice(basePackages = "dev.lanyard.admin")
class AdminConsoleAdvice {

	private final AdminIdentity identity;

	AdminConsoleAdvice(AdminIdentity identity) {
		this.identity = identity;
	}

	@ModelAttribute("admin")
	Actor admin() {
		return this.identity.current();
	}

	@ModelAttribute("time")
	AdminTime time() {
		return AdminTime.UTC;
	}

	@ModelAttribute("section")
	String section(HttpServletRequest request) {
		String[] parts = request.getRequestURI().split("/");
		return (parts.length > 2) ? parts[2] : "dashboard";
	}

	/**
	 * HD-08: a request no console form sends (a list field indexed past what the binder
	 * grows lists to, or a change the core refuses that no form offers) gets a page
	 * saying nothing changed, not a server error. The forms' own refusals are shown on
	 * the forms.
	 */
	@ExceptionHandler({ InvalidPropertyException.class, InvalidInputException.class })
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String badRequest(HttpServletRequest request, Model model) {
		return page("admin/bad-request", request, model);
	}

	/**
	 * The not-found page, with the header of every other page: an exception handler's
	 * model starts empty, without what the {@code @ModelAttribute} methods above add.
	 */
	@ExceptionHandler(NotFoundException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(HttpServletRequest request, Model model) {
		return page("admin/not-found", request, model);
	}

	/** An exception handler's page, given what every page's header needs. */
	private String page(String view, HttpServletRequest request, Model model) {
		model.addAttribute("admin", admin());
		model.addAttribute("time", time());
		model.addAttribute("section", section(request));
		return view;
	}

}
