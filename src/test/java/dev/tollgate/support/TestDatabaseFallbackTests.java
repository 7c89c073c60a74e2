package dev.tollgate.support;

import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * With no server where the harness looks (its probe pointed at a closed port) and no
 * {@code TEST_DATABASE_URL}, the tests get an embedded PostgreSQL: a real server, not an
 * imitation.
 */
class TestDatabaseFallbackTests {

	@Test
	void withNoLocalServerTheTestsRunOnAnEmbeddedPostgres() throws Exception {
		assumeTrue(System.getenv("TEST_DATABASE_URL") == null, "TEST_DATABASE_URL is set: the harness uses it");
		assumeTrue(System.getenv("TEST_DATABASE") == null, "TEST_DATABASE asks for another fallback");
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		TestDatabase.Connection located = TestDatabase
			.locate("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres");
		assertThat(located.url()).startsWith("jdbc:postgresql://127.0.0.1:").doesNotContain(":" + closedPort + "/");
		try (java.sql.Connection connection = DriverManager.getConnection(located.url(), located.username(),
				located.password()); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE probe (id BIGINT GENERATED ALWAYS AS IDENTITY, note TEXT)");
			statement.execute("INSERT INTO probe (note) VALUES ('written')");
			try (ResultSet rows = statement
				.executeQuery("SELECT note, current_setting('server_version_num')::int FROM probe")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("written");
				assertThat(rows.getInt(2)).as("PostgreSQL 15 or newer").isGreaterThanOrEqualTo(150000);
			}
		}
	}

}
