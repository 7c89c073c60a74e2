package dev.tollgate.job;

import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which ordering keys unfinished jobs hold: what a caller that would do a job's work
 * itself must ask first, so it never overtakes an older job of the same key. Its own
 * class, beside {@link JobRepository}, because it reads only the ordering index.
 */
@Repository
class UnfinishedJobs {

	private final JdbcClient jdbc;

	UnfinishedJobs(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The keys of {@code orderingKeys} that a pending or running job of {@code kind}
	 * holds; one statement on the partial ordering index, whatever the number of keys.
	 */
	Set<String> held(String kind, List<String> orderingKeys) {
		if (orderingKeys.isEmpty()) {
			return Set.of();
		}
		return new HashSet<>(this.jdbc.sql("""
				SELECT DISTINCT ordering_key FROM tollgate.job
				WHERE ordering_key = ANY(CAST(:keys AS text[])) AND status IN ('PENDING', 'RUNNING') AND kind = :kind
				""")
			.param("keys", new SqlParameterValue(Types.ARRAY, orderingKeys.toArray(String[]::new)))
			.param("kind", kind)
			.query(String.class)
			.list());
	}

}
