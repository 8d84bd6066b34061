package dev.lanyard.server.storage;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.server.LanyardProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: with no {@code SPRING_DATASOURCE_URL}, Lanyard runs its own
 * PostgreSQL with the data under {@code ./data/postgres}, so the run command needs only a
 * JDK and a restart keeps every user, client and token.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedDatabaseConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgresServer embeddedPostgresServer(LanyardProperties properties) {
		logger.warn("No SPRING_DATASOURCE_URL set: starting the embedded PostgreSQL (development default)");
		EmbeddedPostgresServer server = EmbeddedPostgresServer.start(properties.dataDirectory().resolve("postgres"));
		server.createDatabase("lanyard");
		return server;
	}

	@Bean
	DataSource dataSource(EmbeddedPostgresServer server) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(server.jdbcUrl("lanyard"));
		config.setUsername(server.username());
		config.setPassword(server.password());
		config.setPoolName("lanyard-embedded");
		// As spring.datasource.hikari.data-source-properties in application.yml: grouped
		// inserts as one multi-row INSERT.
		config.addDataSourceProperty("reWriteBatchedInserts", "true");
		return new HikariDataSource(config);
	}

}
