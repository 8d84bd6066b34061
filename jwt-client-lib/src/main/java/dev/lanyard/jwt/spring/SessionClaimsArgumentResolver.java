package dev.lanyard.jwt.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import dev.lanyard.jwt.SessionClaims;
import dev.lanyard.jwt.servlet.JwtSessionFilter;

/**
 * Resolves a {@link SessionClaims} controller-method argument from the request's verified
 * session.
 *
 * <pre>{@code
 * &#64;GetMapping("/orders")
 * List<Order> orders(SessionClaims session) { ... }
 * }</pre>
 *
 * <p>
 * When the request has no verified session (a public path), the handler is not called and
 * the answer is 401 with {@code WWW-Authenticate: Bearer} (RFC 6750 §3). Thread-safe.
 */
public final class SessionClaimsArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return SessionClaims.class.equals(parameter.getParameterType());
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, @Nullable WebDataBinderFactory binderFactory) {
		Object claims = webRequest.getAttribute(JwtSessionFilter.SESSION_CLAIMS_ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST);
		if (claims instanceof SessionClaims sessionClaims) {
			return sessionClaims;
		}
		ErrorResponseException unauthorized = new ErrorResponseException(HttpStatus.UNAUTHORIZED);
		unauthorized.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		throw unauthorized;
	}

}
