package dev.tollgate.job;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the job tests read of a job's row, by its dedup key: the tests that implement it
 * state their expectations against the table, not the worker's internals.
 */
interface JobRows {

	JdbcClient jdbc();

	/** The job's status, {@code null} while no such job exists. */
	default String status(String key) {
		return jdbc().sql("SELECT status FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	default int attempts(String key) {
		return jdbc().sql("SELECT attempts FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(Integer.class)
			.single();
	}

	/** The job's last error, {@code null} when it has none or does not exist. */
	default String lastError(String key) {
		return jdbc().sql("SELECT last_error FROM tollgate.job WHERE dedup_key = ?")
			.param(key)
			.query(String.class)
			.optional()
			.orElse(null);
	}

}
