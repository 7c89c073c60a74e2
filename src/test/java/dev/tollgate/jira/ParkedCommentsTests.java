package dev.tollgate.jira;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.job.JobQueue;
import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code tollgate.jira.base-url} unset (as in the shared test application), a
 * comment can never be posted: it is parked with the reason, without using up attempts,
 * instead of being retried until it is dead.
 */
@ExtendWith(OutputCaptureExtension.class)
class ParkedCommentsTests extends IntegrationTest {

	@Autowired
	private JobQueue queue;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private JiraClient jira;

	@Test
	void aCommentIsParkedWhileJiraIsNotConfigured() {
		assertThat(this.jira.configured()).isFalse();
		long event = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
		CommentRequest request = CommentRequest.on("PARK-1", event).text("Parked").build();
		assertThat(this.queue.enqueueOrdered(CommentRequest.JOB, request.dedupKey(), request, request.orderingKey()))
			.isTrue();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> CommentJobHandler.PARKED.equals(job(request).get("last_error")));
		Map<String, Object> job = job(request);
		assertThat(job.get("status")).isEqualTo("PENDING");
		assertThat(job.get("attempts")).isEqualTo(0);
		assertThat(((Timestamp) job.get("run_at")).toInstant()).isAfter(Instant.now().plus(Duration.ofMinutes(30)));
		// Still parked a little later: not retried, never dead.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> {
			Map<String, Object> now = job(request);
			return "PENDING".equals(now.get("status")) && Integer.valueOf(0).equals(now.get("attempts"));
		});
		assertThat(CommentJobHandler.PARKED).contains("tollgate.jira.base-url").contains("TOLLGATE_JIRA_BASE_URL");
	}

	@Test
	void theStartUpLogSaysOnceThatCommentsAndLookUpsWait(CapturedOutput output) {
		JiraClients.notConfigured();
		assertThat(output.getOut()).contains("tollgate.jira.base-url (TOLLGATE_JIRA_BASE_URL) is not set")
			.contains("comments wait, parked")
			.contains("Jira look-up");
	}

	private Map<String, Object> job(CommentRequest request) {
		return this.jdbc.sql("SELECT status, attempts, run_at, last_error FROM tollgate.job WHERE dedup_key = ?")
			.param(request.dedupKey())
			.query()
			.singleRow();
	}

}
