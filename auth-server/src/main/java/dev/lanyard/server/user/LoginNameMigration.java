package dev.lanyard.server.user;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.migration.Context;

import org.springframework.stereotype.Component;

/**
 * Flyway migration 8.1: fills {@code users.login_name} of existing accounts with
 * {@link LoginName#canonical}. It is Java because the canonical form is the server's (the
 * database cannot compute the same fold); the schema changes around it are SQL migrations
 * 8 and 9 in the {@code db} module. Two accounts that turn out to be one name stop the
 * migration with a message naming them: an operator must rename one.
 */
@Component
class LoginNameMigration implements JavaMigration {

	@Override
	public MigrationVersion getVersion() {
		return MigrationVersion.fromVersion("8.1");
	}

	@Override
	public String getDescription() {
		return "fill login names";
	}

	@Override
	public Integer getChecksum() {
		return null;
	}

	@Override
	public boolean canExecuteInTransaction() {
		return true;
	}

	@Override
	public void migrate(Context context) throws SQLException {
		Connection connection = context.getConnection();
		Map<String, String> seen = new HashMap<>();
		try (PreparedStatement select = connection.prepareStatement("SELECT id, username FROM users");
				PreparedStatement update = connection.prepareStatement("UPDATE users SET login_name = ? WHERE id = ?");
				ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				String username = rows.getString("username");
				String loginName = LoginName.canonical(username);
				String other = seen.putIfAbsent(loginName, username);
				if (other != null) {
					throw new IllegalStateException("The usernames '" + other + "' and '" + username
							+ "' are one login name; rename one of them before upgrading");
				}
				update.setString(1, loginName);
				update.setObject(2, rows.getObject("id"));
				update.addBatch();
			}
			update.executeBatch();
		}
	}

}
