package dev.tollgate.jira;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revert markers are kept for a day, then purged; the hour in which they are read is
 * never touched.
 */
class RevertsTests extends IntegrationTest {

	@Autowired
	private Reverts reverts;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void markersOlderThanADayArePurgedAndRecentOnesKept() {
		String issue = "revert-" + UUID.randomUUID();
		long old = this.reverts.expect(issue, "Review", "Done");
		this.jdbc.sql("UPDATE tollgate.issue_revert SET created_at = now() - interval '2 days' WHERE id = ?")
			.param(old)
			.update();
		long recent = this.reverts.expect(issue, "Review", "Done");

		this.reverts.purgeOlderThan(Duration.ofDays(1));

		assertThat(this.jdbc.sql("SELECT id FROM tollgate.issue_revert WHERE issue_id = ?")
			.param(issue)
			.query(Long.class)
			.list()).containsExactly(recent);
		assertThat(this.reverts.pending(issue, "review", "done")).contains(recent);
	}

}
