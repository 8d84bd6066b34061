package dev.lanyard.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.lanyard.server.TestBackends;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration 36 and the purges' indexes a large deployment builds beforehand with the
 * production checklist's statements: the migration keeps them, they are the very indexes
 * it builds itself, and one a failed concurrent build left invalid is built again.
 */
class PurgeIndexesMigrationTest {

	private static final List<String> INDEXES = List.of("oauth_authorizations_quiet_since",
			"sign_in_sessions_last_seen_at", "revocation_outbox_created_at", "backchannel_logouts_ended_at");

	@Test
	void migrationWhenIndexesBuiltBeforehandAsTheChecklistSaysThenKeptAndTheSameAsItsOwn() throws IOException {
		String database = TestBackends.newDatabase();
		TestBackends.migrate(database, "35");
		JdbcClient jdbc = client(database);
		jdbc.sql("""
				INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type)
				SELECT 'grant-' || n, 'client-1', 'user-1', 'client_credentials' FROM generate_series(1, 1000) n""")
			.update();
		List<String> statements = checklistStatements();
		assertThat(statements).hasSize(INDEXES.size()).allMatch((sql) -> sql.contains("CONCURRENTLY"));
		statements.forEach((sql) -> jdbc.sql(sql).update());
		Map<String, String> builtBeforehand = definitions(jdbc);
		Map<String, String> builtBeforehandIds = ids(jdbc);

		TestBackends.migrate(database, null);

		assertThat(definitions(jdbc)).isEqualTo(builtBeforehand)
			.isEqualTo(definitions(client(TestBackends.newMigratedDatabase())))
			.containsOnlyKeys(INDEXES);
		assertThat(ids(jdbc)).as("the very indexes built beforehand, not built again").isEqualTo(builtBeforehandIds);
	}

	@Test
	void migrationWhenABuildBeforehandLeftAnIndexInvalidThenItIsBuiltAgain() {
		String database = TestBackends.newDatabase();
		TestBackends.migrate(database, "35");
		JdbcClient jdbc = client(database);
		jdbc.sql("CREATE INDEX CONCURRENTLY sign_in_sessions_last_seen_at ON sign_in_sessions (last_seen_at)").update();
		// What a cancelled or failed concurrent build leaves behind.
		jdbc.sql("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'sign_in_sessions_last_seen_at'::regclass")
			.update();

		TestBackends.migrate(database, null);

		assertThat(jdbc.sql("""
				SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
				WHERE c.relname = 'sign_in_sessions_last_seen_at'""").query(Boolean.class).single()).isTrue();
	}

	/** The SQL between the checklist's purge-indexes markers, a statement each. */
	private static List<String> checklistStatements() throws IOException {
		String checklist = Files.readString(Path.of("..", "docs", "production-checklist.md"));
		String block = checklist.substring(checklist.indexOf("<!-- purge-indexes:begin -->"),
				checklist.indexOf("<!-- purge-indexes:end -->"));
		String sql = block.substring(block.indexOf("```sql") + "```sql".length(), block.lastIndexOf("```"));
		return Arrays.stream(sql.split(";")).map(String::strip).filter((statement) -> !statement.isEmpty()).toList();
	}

	private static Map<String, String> definitions(JdbcClient jdbc) {
		return byIndexName(jdbc, "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN (:names)");
	}

	private static Map<String, String> ids(JdbcClient jdbc) {
		return byIndexName(jdbc, "SELECT relname, oid::text FROM pg_class WHERE relname IN (:names)");
	}

	/** A query's second column by its first, for the purges' indexes. */
	private static Map<String, String> byIndexName(JdbcClient jdbc, String sql) {
		return jdbc.sql(sql)
			.param("names", INDEXES)
			.query((row, number) -> Map.entry(row.getString(1), row.getString(2)))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	private static JdbcClient client(String database) {
		return JdbcClient.create(new DriverManagerDataSource(database, "postgres", TestBackends.superuserPassword()));
	}

}
