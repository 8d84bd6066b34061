package dev.lanyard.server.web;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * Page language: English or Simplified Chinese. The person's own pick with the switch
 * ({@code ?lang=}, remembered by a cookie) wins; before that, the first supported tag of
 * the authorization request's {@code ui_locales} (OpenID Connect Core §3.1.2.1, the
 * relying party's hint, read from the request or from the one saved while the person
 * signs in), else {@code Accept-Language}.
 */
@Configuration(proxyBeanMethods = false)
class LocaleConfiguration implements WebMvcConfigurer {

	private static final String UI_LOCALES = "ui_locales";

	/** Reads the authorization request saved while the person signs in. */
	private static final HttpSessionRequestCache SAVED_REQUESTS = new HttpSessionRequestCache();

	@Bean
	LocaleResolver localeResolver() {
		CookieLocaleResolver resolver = new CookieLocaleResolver("LANYARD_LANG");
		resolver
			.setDefaultLocaleFunction((request) -> uiLocales(request).orElseGet(() -> supported(request.getLocale())));
		resolver.setCookieMaxAge(Duration.ofDays(365));
		resolver.setCookieHttpOnly(true);
		resolver.setCookieSameSite("Lax");
		return resolver;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		LocaleChangeInterceptor interceptor = new LocaleChangeInterceptor();
		interceptor.setParamName("lang");
		interceptor.setIgnoreInvalidLocale(true);
		registry.addInterceptor(interceptor);
	}

	/** The first tag of {@code ui_locales} Lanyard has pages in, if any. */
	static Optional<Locale> uiLocales(HttpServletRequest request) {
		String uiLocales = request.getParameter(UI_LOCALES);
		if (uiLocales == null) {
			SavedRequest saved = SAVED_REQUESTS.getRequest(request, null);
			String[] values = (saved != null) ? saved.getParameterValues(UI_LOCALES) : null;
			uiLocales = (values != null && values.length == 1) ? values[0] : null;
		}
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

	private static Locale supported(Locale requested) {
		if (requested != null && "zh".equals(requested.getLanguage())) {
			return Locale.SIMPLIFIED_CHINESE;
		}
		return Locale.ENGLISH;
	}

}
