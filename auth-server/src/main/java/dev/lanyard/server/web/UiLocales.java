package dev.lanyard.server.web;

import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * The language an authorization request asks its pages in ({@code ui_locales}, OpenID
 * Connect Core §3.1.2.1), remembered in the login session so that the login and consent
 * pages it leads to speak it.
 */
public final class UiLocales {

	static final String PARAMETER = "ui_locales";

	static final String SESSION_ATTRIBUTE = UiLocales.class.getName() + ".UI_LOCALE";

	private UiLocales() {
	}

	/**
	 * Remembers what the request asks for, in the session there is, or in a new one when
	 * {@code createSession} (a request whose parameters the browser could not choose: a
	 * pushed request or a request object, whose {@code ui_locales} then replaces whatever
	 * the browser sent alongside).
	 */
	public static void remember(HttpServletRequest request, boolean createSession) {
		Optional<Locale> asked = fromTags(request.getParameter(PARAMETER));
		HttpSession session = request.getSession(createSession && asked.isPresent());
		if (session == null) {
			return;
		}
		if (asked.isPresent()) {
			session.setAttribute(SESSION_ATTRIBUTE, asked.get().toLanguageTag());
		}
		else if (createSession) {
			session.removeAttribute(SESSION_ATTRIBUTE);
		}
	}

	/** The first tag of a {@code ui_locales} value Lanyard has pages in, if any. */
	static Optional<Locale> fromTags(String uiLocales) {
		if (uiLocales == null || uiLocales.length() > 200) {
			return Optional.empty();
		}
		for (String tag : uiLocales.trim().split(" +")) {
			String language = Locale.forLanguageTag(tag).getLanguage();
			if ("zh".equals(language)) {
				return Optional.of(Locale.SIMPLIFIED_CHINESE);
			}
			if ("en".equals(language)) {
				return Optional.of(Locale.ENGLISH);
			}
		}
		return Optional.empty();
	}

}
