package dev.lanyard.admin;

import dev.lanyard.admin.audit.InMemoryAuditAdministration;
import dev.lanyard.admin.client.InMemoryClientAdministration;
import dev.lanyard.admin.dashboard.InMemoryDashboardStatistics;
import dev.lanyard.admin.identityprovider.InMemoryIdentityProviderAdministration;
import dev.lanyard.admin.key.InMemoryKeyAdministration;
import dev.lanyard.admin.registration.InMemoryRegistrationTokenAdministration;
import dev.lanyard.admin.session.InMemorySessionAdministration;
import dev.lanyard.admin.user.InMemoryUserAdministration;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The console as the slice tests see it: its controllers and advice, with in-memory ports
 * in place of the server's services, and a filter chain standing in for the server's
 * console chain (signed in, CSRF on every form).
 */
@SpringBootApplication
public class AdminConsoleTestApplication {

	@Bean
	SecurityFilterChain consoleSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated());
		return http.build();
	}

	@Bean
	TestAdminIdentity adminIdentity() {
		return new TestAdminIdentity();
	}

	@Bean
	InMemoryClientAdministration clientAdministration() {
		return new InMemoryClientAdministration();
	}

	@Bean
	InMemoryUserAdministration userAdministration() {
		return new InMemoryUserAdministration();
	}

	@Bean
	InMemorySessionAdministration sessionAdministration() {
		return new InMemorySessionAdministration();
	}

	@Bean
	InMemoryRegistrationTokenAdministration registrationTokenAdministration() {
		return new InMemoryRegistrationTokenAdministration();
	}

	@Bean
	InMemoryIdentityProviderAdministration identityProviderAdministration() {
		return new InMemoryIdentityProviderAdministration();
	}

	@Bean
	InMemoryKeyAdministration keyAdministration() {
		return new InMemoryKeyAdministration();
	}

	@Bean
	InMemoryAuditAdministration auditAdministration() {
		return new InMemoryAuditAdministration();
	}

	@Bean
	InMemoryDashboardStatistics dashboardStatistics() {
		return new InMemoryDashboardStatistics();
	}

}
