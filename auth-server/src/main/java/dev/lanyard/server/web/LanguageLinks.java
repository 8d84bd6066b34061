package dev.lanyard.server.web;

import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Links of the language switch: the current page with only {@code lang} changed, so that
 * switching language on the consent page keeps the request being answered. Parameters
 * that carry a token or a secret are left out: a page (an error page above all) never
 * writes them back.
 */
@ControllerAdvice
class LanguageLinks {

	private static final Set<String> SECRET_PARAMETERS = Set.of("id_token_hint", "code", "token", "access_token",
			"refresh_token", "id_token", "logout_token", "client_secret", "client_assertion", "assertion",
			"subject_token", "actor_token", "request", "password", "device_code", "login_hint_token");

	@ModelAttribute("languageLinks")
	Map<String, String> languageLinks(HttpServletRequest request) {
		return Map.of("en", link(request, "en"), "zh", link(request, "zh-CN"));
	}

	private static String link(HttpServletRequest request, String language) {
		UriComponentsBuilder link = UriComponentsBuilder.fromPath(request.getRequestURI())
			.query(request.getQueryString());
		SECRET_PARAMETERS.forEach(link::replaceQueryParam);
		return link.replaceQueryParam("lang", language).build().toUriString();
	}

}
