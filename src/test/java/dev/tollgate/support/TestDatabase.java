package dev.tollgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.tollgate.devmode.EmbeddedPostgres;

import org.springframework.util.FileSystemUtils;

/**
 * Finds the PostgreSQL the tests run against, in this order: {@code TEST_DATABASE_URL}; a
 * server on 127.0.0.1:5432, where a throwaway database is created for this test run and
 * dropped after it; otherwise an embedded PostgreSQL (the real server, from the binaries
 * artifact on the test class path) in a temporary directory, so {@code ./mvnw verify}
 * needs nothing but Java. With {@code TEST_DATABASE=testcontainers} Testcontainers starts
 * one in Docker instead of the embedded server. Never an in-memory imitation.
 */
public final class TestDatabase {

	private static final String LOCAL_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

	private static Connection info;

	private TestDatabase() {
	}

	public record Connection(String url, String username, String password) {

		/**
		 * Another database on the same server (for example {@code postgres}, to create
		 * one).
		 */
		public Connection database(String name) {
			return new Connection(this.url.replaceFirst("/[^/?]+(\\?.*)?$", "/" + name), this.username, this.password);
		}

		public String host() {
			return java.net.URI.create(this.url.substring("jdbc:".length())).getHost();
		}

		public int port() {
			return java.net.URI.create(this.url.substring("jdbc:".length())).getPort();
		}

		/**
		 * The same database reached through another host and port (a fault-injecting
		 * proxy).
		 */
		public Connection via(String host, int port) {
			return new Connection(this.url.replaceFirst("//[^/]+/", "//" + host + ":" + port + "/"), this.username,
					this.password);
		}

	}

	public static synchronized Connection get() {
		if (info == null) {
			info = locate();
		}
		return info;
	}

	private static Connection locate() {
		return locate(LOCAL_ADMIN_URL);
	}

	/**
	 * @param localAdminUrl where a local server is probed for; a test points it at a
	 * closed port
	 */
	static Connection locate(String localAdminUrl) {
		String url = System.getenv("TEST_DATABASE_URL");
		if (url != null && !url.isBlank()) {
			return new Connection(url, env("TEST_DATABASE_USERNAME", "postgres"), env("TEST_DATABASE_PASSWORD", ""));
		}
		String user = env("TEST_DATABASE_USERNAME", "postgres");
		String password = env("TEST_DATABASE_PASSWORD", "");
		if (reachable(localAdminUrl, user, password)) {
			return throwawayDatabase(localAdminUrl, user, password);
		}
		if ("testcontainers".equalsIgnoreCase(env("TEST_DATABASE", ""))) {
			return Containers.start();
		}
		return Embedded.start();
	}

	private static Connection throwawayDatabase(String adminUrl, String user, String password) {
		String name = "tollgate_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute(adminUrl, user, password, "CREATE DATABASE " + name);
		Runtime.getRuntime()
			.addShutdownHook(new Thread(
					() -> execute(adminUrl, user, password, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
		return new Connection(adminUrl, user, password).database(name);
	}

	private static boolean reachable(String url, String user, String password) {
		try (java.sql.Connection ignored = connect(url, user, password)) {
			return true;
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private static void execute(String url, String user, String password, String sql) {
		try (java.sql.Connection connection = connect(url, user, password);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + url, ex);
		}
	}

	private static java.sql.Connection connect(String url, String user, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", "3");
		return DriverManager.getConnection(url, properties);
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null) ? value : fallback;
	}

	/**
	 * A throwaway embedded server for this JVM, tuned for tests (no durability: the data
	 * is deleted at exit anyway) and with room for the connection pools of the cached
	 * application contexts.
	 */
	private static final class Embedded {

		static Connection start() {
			try {
				Path directory = Files.createTempDirectory("tollgate-test-postgres");
				EmbeddedPostgres postgres = EmbeddedPostgres.start(directory, Map.of("fsync", "off",
						"synchronous_commit", "off", "full_page_writes", "off", "max_connections", "300"));
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					postgres.close();
					FileSystemUtils.deleteRecursively(directory.toFile());
				}));
				return new Connection(postgres.jdbcUrl("postgres"), "postgres", "");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	/**
	 * Kept in its own class so Testcontainers is only loaded when it is actually used.
	 */
	private static final class Containers {

		static Connection start() {
			var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17-alpine");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		}

	}

}
