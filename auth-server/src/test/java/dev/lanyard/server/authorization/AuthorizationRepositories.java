package dev.lanyard.server.authorization;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The grant tables' repositories for {@code RepositorySliceTest}, created as
 * {@link AuthorizationStorageConfiguration} creates them. Not a {@code @Configuration},
 * so that a full server's component scan does not find it.
 */
@Import(JdbcActiveGrants.class)
public class AuthorizationRepositories {

	@Bean
	JdbcAuthorizationRows authorizationRows(NamedParameterJdbcOperations jdbc, Clock clock) {
		return new JdbcAuthorizationRows(jdbc, clock);
	}

	@Bean
	RevocationOutbox revocationOutbox(JdbcClient jdbc) {
		return new RevocationOutbox(jdbc);
	}

}
