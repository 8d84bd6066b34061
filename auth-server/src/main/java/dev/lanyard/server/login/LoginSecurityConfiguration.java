package dev.lanyard.server.login;

import java.time.Clock;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.federation.FederatedAccounts;
import dev.lanyard.server.federation.FederatedLinks;
import dev.lanyard.server.federation.UpstreamLogout;
import dev.lanyard.server.federation.IdentityProviders;
import dev.lanyard.server.federation.UpstreamRegistrations;
import dev.lanyard.server.key.MasterKey;
import dev.lanyard.server.passkey.Passkeys;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.storage.RedisMode;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.web.SecurityHeadersPolicy;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsChecker;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/**
 * The hosted login page's security filter chain, which also serves every page that is not
 * a protocol endpoint (consent, logout confirmation, errors, static assets). Form login
 * with CSRF, throttled password checks, session fixation protection.
 */
@Configuration(proxyBeanMethods = false)
class LoginSecurityConfiguration {

	/**
	 * Counters in Redis, shared by every node, when it is configured; else in this
	 * process.
	 */
	@Bean
	LoginThrottle loginThrottle(LanyardProperties properties, Clock clock, RedisMode redisMode,
			ObjectProvider<StringRedisTemplate> redis) {
		LanyardProperties.Login login = properties.login();
		if (!redisMode.enabled()) {
			return new InMemoryLoginThrottle(login.maxAttemptsPerAccount(), login.maxAttemptsPerAddress(),
					login.throttleWindow(), clock);
		}
		return new RedisLoginThrottle(redis.getObject(), properties.redis().keyPrefix(), login.maxAttemptsPerAccount(),
				login.maxAttemptsPerAddress(), login.throttleWindow());
	}

	@Bean
	StepUp stepUp(SecondFactors secondFactors, Clock clock) {
		return new StepUp(secondFactors, clock);
	}

	/** Device cookies, signed with a key derived from the master key. */
	@Bean
	TrustedDevices trustedDevices(MasterKey masterKey, LanyardProperties properties, Clock clock) {
		return new TrustedDevices(masterKey.derive("device-cookie"), properties.secureTransport(), clock);
	}

	/**
	 * Drops login sessions of accounts disabled or locked since sign-in, and those past
	 * their absolute lifetime; used by every chain with sessions.
	 */
	@Bean
	ActiveAccountFilter activeAccountFilter(JdbcUserAccountRepository users, SignInSessions signInSessions,
			LanyardProperties properties, Clock clock) {
		return new ActiveAccountFilter(users, signInSessions, properties.login().sessionMaxLifetime(), clock);
	}

	/** Keeps the servlet container from also running the filter on every request. */
	@Bean
	FilterRegistrationBean<ActiveAccountFilter> activeAccountFilterRegistration(ActiveAccountFilter filter) {
		FilterRegistrationBean<ActiveAccountFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setEnabled(false);
		return registration;
	}

	/**
	 * Password checks for the login form: throttled, and alike for every kind of failure.
	 */
	private static AuthenticationManager loginAuthenticationManager(UserDetailsService users,
			UserDetailsPasswordService passwordUpgrades, PasswordEncoder passwordEncoder, LoginThrottle throttle,
			SecondFactors secondFactors) {
		DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
		passwords.setPasswordEncoder(passwordEncoder);
		passwords.setUserDetailsPasswordService(passwordUpgrades);
		// Locked and disabled accounts are checked after the password, not before, so
		// every
		// failure costs the same time and looks the same (OWASP ASVS 5.0 §6.3.8).
		UserDetailsChecker accountStatus = new AccountStatusUserDetailsChecker();
		passwords.setPreAuthenticationChecks((user) -> {
		});
		passwords.setPostAuthenticationChecks(accountStatus);
		return new ProviderManager(new ThrottledAuthenticationProvider(passwords, throttle, secondFactors));
	}

	@Bean
	@Order(10)
	SecurityFilterChain loginSecurityFilterChain(HttpSecurity http, UserDetailsService userDetails,
			UserDetailsPasswordService passwordUpgrades, PasswordEncoder passwordEncoder, LoginThrottle throttle,
			AuditLog audit, JdbcUserAccountRepository users, GrantRevocations authorizations, MeterRegistry meters,
			SecurityHeadersPolicy headers, TrustedDevices devices, ActiveAccountFilter activeAccounts,
			SecondFactors secondFactors, Passkeys passkeys, SignInSessions signInSessions,
			UpstreamRegistrations upstreams, IdentityProviders identityProviders, FederatedAccounts federatedAccounts,
			FederatedLinks federatedLinks, UpstreamLogout upstreamLogout, Clock clock) throws Exception {
		// Where the login form keeps the sign-in (Spring Security's default for it).
		SecurityContextRepository contexts = new DelegatingSecurityContextRepository(
				new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository());
		// The login form's CSRF tokens (Spring Security's default store), renewed at the
		// second step too.
		CsrfTokenRepository csrfTokens = new HttpSessionCsrfTokenRepository();
		LoginOutcomes outcomes = new LoginOutcomes(audit, users, meters, devices, csrfTokens, signInSessions,
				federatedLinks, upstreamLogout, clock);
		AuthorizationRequestRepository<OAuth2AuthorizationRequest> upstreamRequests = FederatedSignIn.requests();
		LoginSessionLogoutHandler signOut = new LoginSessionLogoutHandler(authorizations, signInSessions,
				upstreamLogout);
		AuthenticationFailureHandler upstreamFailures = FederatedSignIn.failures(outcomes, audit, identityProviders);
		http.authenticationManager(
				loginAuthenticationManager(userDetails, passwordUpgrades, passwordEncoder, throttle, secondFactors))
			.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers("/login", SecondFactorStep.PATH, SecondFactorStep.PATH + "/**", PasskeySignIn.PATH,
						PasskeySignIn.PATH + "/options", "/logout", "/logout/done", "/error", "/css/**", "/img/**",
						"/js/**", "/favicon.ico", "/setup", "/forgot", "/reset", "/verify-email",
						FederatedSignIn.START_PATH + "/*", FederatedSignIn.CALLBACK_PATH + "/*",
						UpstreamLogout.RETURN_PATH)
				.permitAll()
				// Methods the protocol endpoints do not take land here and get a 405.
				.requestMatchers("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke")
				.permitAll()
				.anyRequest()
				.authenticated())
			.securityContext((context) -> context.securityContextRepository(contexts))
			.addFilterBefore(SecondFactorStep.codeFilter(secondFactors, throttle, users, outcomes, contexts, clock),
					UsernamePasswordAuthenticationFilter.class)
			.addFilterBefore(SecondFactorStep.passkeyFilter(passkeys, throttle, users, outcomes, contexts, clock),
					UsernamePasswordAuthenticationFilter.class)
			.addFilterBefore(PasskeySignIn.filter(passkeys, throttle, users, devices, outcomes, contexts, clock),
					UsernamePasswordAuthenticationFilter.class)
			.addFilterBefore(FederatedSignIn.startFilter(upstreams, upstreamRequests, upstreamFailures),
					UsernamePasswordAuthenticationFilter.class)
			.addFilterBefore(FederatedSignIn.callbackFilter(upstreams, identityProviders, federatedAccounts,
					federatedLinks, upstreamLogout, secondFactors, devices, upstreamRequests, outcomes,
					upstreamFailures, contexts, clock), UsernamePasswordAuthenticationFilter.class)
			// The protocol endpoints reach this chain only with a method they do not
			// take,
			// to be answered 405 (UnsupportedMethodController): nothing a forged request
			// could change, and a token refusal must not read as a cross-site one.
			.csrf((csrf) -> csrf.csrfTokenRepository(csrfTokens)
				.ignoringRequestMatchers("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"))
			.formLogin((form) -> form.loginPage("/login")
				.authenticationDetailsSource(LoginDetails.source(devices))
				.successHandler(outcomes)
				.failureHandler(outcomes)
				.permitAll())
			.logout((logout) -> logout.logoutUrl("/logout")
				.addLogoutHandler(signOut)
				.logoutSuccessHandler(signOut::onLogoutSuccess))
			.sessionManagement((sessions) -> sessions.sessionFixation((fixation) -> fixation.changeSessionId()))
			// A session whose account was disabled or locked since must not approve a
			// device at /activate, nor anything else here.
			.addFilterAfter(activeAccounts, SecurityContextHolderFilter.class)
			.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler(new EndedSessionDeniedHandler()));
		headers.applyTo(http);
		return http.build();
	}

}
