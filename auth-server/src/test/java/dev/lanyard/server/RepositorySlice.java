package dev.lanyard.server;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.AuthorizationRepositories;
import dev.lanyard.server.client.JdbcOAuthClientRepository;
import dev.lanyard.server.key.JdbcSigningKeyRepository;
import dev.lanyard.server.user.UserRepositories;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The one context of every {@link RepositorySliceTest}: each repository as the server
 * creates it, the Java migration Flyway runs with the SQL ones, a settable clock, and a
 * fresh database from {@link TestBackends}.
 * <p>
 * Deliberately not a {@code @Configuration}: a full server started by the other tests
 * scans this package on the test class path and would pick it up.
 */
@Import({ JdbcOAuthClientRepository.class, JdbcSigningKeyRepository.class, AuditLog.class,
		AuthorizationRepositories.class, UserRepositories.class })
public class RepositorySlice {

	@Bean
	static DynamicPropertyRegistrar repositorySliceDatabase() {
		String url = TestBackends.newDatabase();
		return (registry) -> {
			registry.add("spring.datasource.url", () -> url);
			registry.add("spring.datasource.username", () -> "postgres");
			registry.add("spring.datasource.password", () -> "");
			// A test waiting on a lock fails rather than hangs the build.
			registry.add("spring.datasource.hikari.connection-init-sql", () -> "SET lock_timeout = '5s'");
		};
	}

	@Bean
	TestClock clock() {
		return new TestClock();
	}

}
