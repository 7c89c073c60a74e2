package dev.tollgate.policy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.TestDatabase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V18 strips the role names that rules and approval requests stored with surrounding
 * spaces before the API stripped them on write: such a name matched no role when a vote
 * was counted.
 */
class RoleNamesMigrationTests {

	@Test
	void roleNamesStoredWithSurroundingSpacesAreStripped() throws SQLException {
		TestDatabase.Connection server = TestDatabase.get();
		String name = "tollgate_v18_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String url = server.url().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
		execute(server, "CREATE DATABASE " + name);
		try {
			migrate(url, server, MigrationVersion.fromVersion("17"));
			JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, server.username(), server.password()));
			jdbc.sql(
					"""
							INSERT INTO tollgate.rule (name, project_key, from_status, to_status, allowed_roles, mode, approval_required,
							    approval_roles)
							VALUES ('spaced', 'OPS', '*', 'Done', ARRAY[' release-manager', 'dev '], 'ENFORCE', 1, ARRAY[E'approver\\t'])
							""")
				.update();
			jdbc.sql(
					"""
							INSERT INTO tollgate.approval_request (decision_id, rule_id, rule_name, required, approver_roles,
							    separation_of_duties, comment, issue_id, issue_key, project_key, to_status)
							VALUES (gen_random_uuid(), 1, 'spaced', 1, ARRAY[' approver', 'cab'], true, true, '1', 'OPS-1', 'OPS', 'Done')
							""")
				.update();

			migrate(url, server, MigrationVersion.LATEST);

			Map<String, Object> rule = jdbc.sql("SELECT allowed_roles, approval_roles FROM tollgate.rule")
				.query()
				.singleRow();
			assertThat(strings(rule.get("allowed_roles"))).containsExactly("release-manager", "dev");
			assertThat(strings(rule.get("approval_roles"))).containsExactly("approver");
			assertThat(strings(jdbc.sql("SELECT approver_roles FROM tollgate.approval_request").query().singleValue()))
				.containsExactly("approver", "cab");
		}
		finally {
			execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
	}

	private static void migrate(String url, TestDatabase.Connection server, MigrationVersion target) {
		Flyway.configure()
			.dataSource(url, server.username(), server.password())
			.schemas("tollgate")
			.defaultSchema("tollgate")
			.createSchemas(true)
			.locations("classpath:db/migration", "classpath:db/callback")
			.placeholders(Map.of("appRole", "", "auditRetentionMillis", ""))
			.target(target)
			.load()
			.migrate();
	}

	private static List<String> strings(Object array) throws SQLException {
		return List.of((String[]) ((java.sql.Array) array).getArray());
	}

	private static void execute(TestDatabase.Connection server, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(server.url(), server.username(), server.password());
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
