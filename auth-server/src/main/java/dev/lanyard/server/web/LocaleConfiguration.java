package dev.lanyard.server.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import dev.lanyard.server.LanyardProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.context.annotation.Bean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * Page language: English or Simplified Chinese. The person's own pick with the switch
 * ({@code ?lang=}, remembered by a cookie) wins; before that, the first supported tag of
 * the authorization request's {@code ui_locales} (OpenID Connect Core §3.1.2.1, the
 * relying party's hint: read from the request, from the one saved while the person signs
 * in, or, for the consent page, from the login session the request was made in), else
 * {@code Accept-Language}.
 */
@Configuration(proxyBeanMethods = false)
class LocaleConfiguration implements WebMvcConfigurer {

	private static final String UI_LOCALES = UiLocales.PARAMETER;

	private static final String SESSION_ATTRIBUTE = UiLocales.SESSION_ATTRIBUTE;

	/** Reads the authorization request saved while the person signs in. */
	private static final HttpSessionRequestCache SAVED_REQUESTS = new HttpSessionRequestCache();

	/**
	 * The language cookie has the login cookies' form: {@code __Host-} and {@code Secure}
	 * on an https issuer (ASVS 5.0 §3.3.1), {@code LANYARD_LANG} on a plain-HTTP
	 * development one.
	 */
	@Bean
	LocaleResolver localeResolver(LanyardProperties properties) {
		boolean secure = properties.secureTransport();
		CookieLocaleResolver resolver = new CookieLocaleResolver(secure ? "__Host-LANYARD_LANG" : "LANYARD_LANG");
		resolver.setCookieSecure(secure);
		resolver
			.setDefaultLocaleFunction((request) -> uiLocales(request).orElseGet(() -> supported(request.getLocale())));
		resolver.setCookieMaxAge(Duration.ofDays(365));
		resolver.setCookieHttpOnly(true);
		resolver.setCookieSameSite("Lax");
		// A cookie that does not name a language (edited, or from another application
		// on the host) is no language: by default the resolver failed every page with
		// a 500 for as long as the cookie lived (a year).
		resolver.setRejectInvalidCookies(false);
		return resolver;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		LocaleChangeInterceptor interceptor = new LocaleChangeInterceptor();
		interceptor.setParamName("lang");
		interceptor.setIgnoreInvalidLocale(true);
		registry.addInterceptor(interceptor);
	}

	/**
	 * Remembers in the login session, when there is one, the language an authorization
	 * request asked for, so that the consent page it leads to speaks it too.
	 */
	@Bean
	FilterRegistrationBean<OncePerRequestFilter> uiLocalesOfAuthorizationRequests() {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {

					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						UiLocales.remember(request, false);
						chain.doFilter(request, response);
					}

				});
		registration.addUrlPatterns("/oauth2/authorize");
		// After Spring Session's filter (the login session), before Spring Security's
		// (-100), which answers the request with a redirect.
		registration.setOrder(-110);
		return registration;
	}

	/** The first tag of {@code ui_locales} Lanyard has pages in, if any. */
	static Optional<Locale> uiLocales(HttpServletRequest request) {
		String uiLocales = request.getParameter(UI_LOCALES);
		if (uiLocales == null) {
			SavedRequest saved = SAVED_REQUESTS.getRequest(request, null);
			String[] values = (saved != null) ? saved.getParameterValues(UI_LOCALES) : null;
			uiLocales = (values != null && values.length == 1) ? values[0] : null;
		}
		if (uiLocales == null) {
			HttpSession session = request.getSession(false);
			Object remembered = (session != null) ? session.getAttribute(SESSION_ATTRIBUTE) : null;
			uiLocales = (remembered instanceof String tag) ? tag : null;
		}
		return UiLocales.fromTags(uiLocales);
	}

	private static Locale supported(Locale requested) {
		if (requested != null && "zh".equals(requested.getLanguage())) {
			return Locale.SIMPLIFIED_CHINESE;
		}
		return Locale.ENGLISH;
	}

}
