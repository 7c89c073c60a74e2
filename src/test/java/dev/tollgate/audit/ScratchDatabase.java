package dev.tollgate.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.TestDatabase;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A database of its own, on the test server, migrated by Flyway exactly as the
 * application does, with the audit components built by hand (no application, so no
 * background sealer: a test decides when a sealing round runs). Tests that tamper with
 * the log or purge it run here, so a failure half-way can never leave the shared test
 * database's chain broken or purge another test's events.
 */
final class ScratchDatabase implements AutoCloseable {

	final String name;

	final String url;

	final HikariDataSource dataSource;

	final JdbcTemplate template;

	final JdbcClient jdbc;

	final DataSourceTransactionManager transactions;

	final TransactionTemplate tx;

	final JsonMapper json = JsonMapper.builder().build();

	final AuditLog log;

	private final TestDatabase.Connection server;

	/**
	 * The retention floor (V16) every scratch database is migrated with, as
	 * {@code tollgate.audit.retention}.
	 */
	static final Duration RETENTION_FLOOR = Duration.ofDays(1);

	private ScratchDatabase(TestDatabase.Connection server, String name, String appRole, Duration retentionFloor) {
		this.server = server;
		this.name = name;
		this.url = server.url().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
		execute(server.url(), "CREATE DATABASE " + name);
		try {
			Flyway.configure()
				.dataSource(this.url, server.username(), server.password())
				.schemas("tollgate")
				.defaultSchema("tollgate")
				.createSchemas(true)
				.locations("classpath:db/migration", "classpath:db/callback")
				.placeholders(Map.of("appRole", (appRole != null) ? appRole : "", AuditRetentionFloor.PLACEHOLDER,
						(retentionFloor != null) ? Long.toString(retentionFloor.toMillis()) : ""))
				.load()
				.migrate();
		}
		catch (RuntimeException ex) {
			// A migration that fails must not leave the database behind.
			execute(server.url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			throw ex;
		}
		HikariConfig pool = new HikariConfig();
		pool.setJdbcUrl(this.url);
		pool.setUsername(server.username());
		pool.setPassword(server.password());
		pool.setMaximumPoolSize(16);
		pool.setPoolName(name);
		this.dataSource = new HikariDataSource(pool);
		this.template = new JdbcTemplate(this.dataSource);
		this.jdbc = JdbcClient.create(this.template);
		this.transactions = new DataSourceTransactionManager(this.dataSource);
		this.tx = new TransactionTemplate(this.transactions);
		this.log = new AuditLog(this.jdbc, this.json);
	}

	static ScratchDatabase create() {
		return create(null);
	}

	/**
	 * With {@code appRole}, Flyway's afterMigrate callback grants that role least
	 * privilege.
	 */
	static ScratchDatabase create(String appRole) {
		return create(appRole, RETENTION_FLOOR);
	}

	/** {@code retentionFloor} null: migrated with retention off. */
	static ScratchDatabase create(String appRole, Duration retentionFloor) {
		String name = "tollgate_audit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		return new ScratchDatabase(TestDatabase.get(), name, appRole, retentionFloor);
	}

	SimpleDriverDataSource dataSource(String username, String password) {
		SimpleDriverDataSource source = new SimpleDriverDataSource(new org.postgresql.Driver(), this.url);
		Properties properties = new Properties();
		properties.setProperty("user", username);
		properties.setProperty("password", (password != null) ? password : "");
		source.setConnectionProperties(properties);
		return source;
	}

	AuditSealer sealer() {
		return new AuditSealer(this.template, this.transactions, AuditProperties.defaults());
	}

	AuditSealer sealer(java.util.function.LongSupplier nanoTime, AuditProperties properties) {
		return new AuditSealer(this.template, this.transactions, properties, nanoTime);
	}

	AuditVerifier verifier() {
		return new AuditVerifier(this.template, this.transactions, AuditProperties.defaults());
	}

	AuditRetention retention(AuditProperties properties) {
		return new AuditRetention(this.jdbc, this.log, this.transactions, properties);
	}

	AuditQuery query() {
		return new AuditQuery(this.template, this.transactions, this.json, AuditProperties.defaults());
	}

	/**
	 * Runs statements as the superuser with every trigger off (session_replication_role =
	 * replica).
	 */
	void tamper(String... statements) {
		try (Connection connection = connect(this.url); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			statement.execute("SET LOCAL session_replication_role = replica");
			for (String sql : statements) {
				statement.execute(sql);
			}
			connection.commit();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.dataSource.close();
		execute(this.server.url(), "DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
	}

	private void execute(String url, String sql) {
		try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "'", ex);
		}
	}

	private Connection connect(String url) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", this.server.username());
		properties.setProperty("password", (this.server.password() != null) ? this.server.password() : "");
		return DriverManager.getConnection(url, properties);
	}

}
