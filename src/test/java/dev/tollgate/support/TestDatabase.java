package dev.tollgate.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * Finds the PostgreSQL the tests run against, in this order:
 * {@code TEST_DATABASE_URL}; a server on 127.0.0.1:5432, where a throwaway database is created for
 * this test run and dropped after it; Testcontainers when Docker is available; otherwise a failure
 * that says how to provide one. Never an in-memory imitation.
 */
public final class TestDatabase {

	private static final String LOCAL_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

	private static Connection info;

	private TestDatabase() {
	}

	public record Connection(String url, String username, String password) {

		/** The same database reached through another host and port (a fault-injecting proxy). */
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
		String url = System.getenv("TEST_DATABASE_URL");
		if (url != null && !url.isBlank()) {
			return new Connection(url, env("TEST_DATABASE_USERNAME", "postgres"), env("TEST_DATABASE_PASSWORD", ""));
		}
		String user = env("TEST_DATABASE_USERNAME", "postgres");
		String password = env("TEST_DATABASE_PASSWORD", "");
		if (reachable(LOCAL_ADMIN_URL, user, password)) {
			return throwawayDatabase(user, password);
		}
		if (dockerAvailable()) {
			return Containers.start();
		}
		throw new IllegalStateException("""
				No PostgreSQL for the tests. Provide one of:
				  - TEST_DATABASE_URL (plus TEST_DATABASE_USERNAME / TEST_DATABASE_PASSWORD) pointing at an empty database;
				  - a PostgreSQL server on 127.0.0.1:5432 that user 'postgres' can create databases on
				    (Debian: pg_ctlcluster --skip-systemctl-redirect 15 main start; or: docker compose up -d postgres);
				  - a Docker engine, so that Testcontainers can start postgres:17.""");
	}

	private static Connection throwawayDatabase(String user, String password) {
		String name = "tollgate_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute(LOCAL_ADMIN_URL, user, password, "CREATE DATABASE " + name);
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> execute(LOCAL_ADMIN_URL, user, password,
					"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
		return new Connection("jdbc:postgresql://127.0.0.1:5432/" + name, user, password);
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

	private static boolean dockerAvailable() {
		try {
			return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null) ? value : fallback;
	}

	/** Kept in its own class so Testcontainers is only loaded when it is actually used. */
	private static final class Containers {

		static Connection start() {
			var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17-alpine");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		}

	}

}
