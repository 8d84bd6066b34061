package dev.lanyard.server.user;

import org.flywaydb.core.api.migration.JavaMigration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The user repository for {@code RepositorySliceTest}, with migration 8.1, which Flyway
 * runs between the SQL migrations as it does on the server. Not a {@code @Configuration},
 * so that a full server's component scan does not find it.
 */
@Import(JdbcUserAccountRepository.class)
public class UserRepositories {

	@Bean
	JavaMigration loginNameMigration() {
		return new LoginNameMigration();
	}

	/**
	 * The server's Java migrations, for a Flyway run outside a server (one left out makes
	 * the server's validation fail: "resolved migration not applied").
	 */
	public static JavaMigration[] javaMigrations() {
		return new JavaMigration[] { new LoginNameMigration() };
	}

}
