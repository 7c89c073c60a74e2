package dev.tollgate.config;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Turns "no database at start" into two short lines that name the URL and the fix,
 * instead of a page of stack trace. Boot prints the analysis last and exits non-zero.
 */
class DatabaseConnectionFailureAnalyzer implements FailureAnalyzer {

	private final Environment environment;

	DatabaseConnectionFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		Throwable cause = connectionFailure(failure);
		if (cause == null) {
			return null;
		}
		String url = this.environment.getProperty("spring.datasource.url", "jdbc:postgresql://localhost:5432/postgres");
		// Never print query parameters: a password can hide there.
		int query = url.indexOf('?');
		String safeUrl = (query >= 0) ? url.substring(0, query) : url;
		return new FailureAnalysis("Tollgate could not connect to PostgreSQL at " + safeUrl + ": " + cause.getMessage(),
				"Start PostgreSQL and set SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME and "
						+ "SPRING_DATASOURCE_PASSWORD to it. For the database of 'docker compose up -d postgres', "
						+ "which is not the default one (database tollgate, two roles with passwords), set: "
						+ COMPOSE_VARIABLES + " (with a .env, its passwords). './mvnw spring-boot:run' without "
						+ "SPRING_DATASOURCE_URL starts an embedded PostgreSQL instead.",
				failure);
	}

	/**
	 * How to reach the database that docker-compose.yml starts, with its demo passwords.
	 * The contract's default (database postgres, user postgres, no password) is not
	 * changed to match because that is what a local PostgreSQL gives; the message names
	 * the exact variables instead (a test keeps them in step with the compose file).
	 */
	static final String COMPOSE_VARIABLES = "SPRING_DATASOURCE_URL=jdbc:postgresql://localhost:5432/tollgate "
			+ "SPRING_DATASOURCE_USERNAME=tollgate_app SPRING_DATASOURCE_PASSWORD=demo-app-password "
			+ "SPRING_FLYWAY_USER=tollgate SPRING_FLYWAY_PASSWORD=demo-owner-password TOLLGATE_DB_APP_ROLE=tollgate_app";

	private static Throwable connectionFailure(Throwable failure) {
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof ConnectException || t instanceof UnknownHostException) {
				return t;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("28P01")
							|| sql.getSQLState().equals("28000") || sql.getSQLState().equals("3D000"))) {
				return t;
			}
		}
		return null;
	}

}
