package dev.tollgate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Group commit of deliveries: deliveries that arrive together are stored together, and
 * the guarantees of one-at-a-time storage still hold inside a batch.
 */
class WebhookIngestTests extends IntegrationTest {

	private final ExecutorService senders = Executors.newFixedThreadPool(64);

	@Autowired
	private WebhookIngest ingest;

	@Autowired
	private JsonMapper json;

	@Autowired
	private JdbcClient jdbc;

	@AfterEach
	void stopSenders() {
		this.senders.shutdownNow();
	}

	@Test
	void theSameDeliveryArrivingManyTimesAtOnceIsStoredOnce() throws Exception {
		String issueId = randomIssueId();
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.transition(issueId, "1", "To Do", "Done"));
		String deliveryId = "concurrent-" + issueId;

		List<WebhookIngest.Result> results = all(24,
				(i) -> () -> this.ingest.ingest("jira", deliveryId, 0, parsed, null));

		assertThat(results).containsOnlyOnce(WebhookIngest.Result.QUEUED);
		assertThat(results).filteredOn((r) -> r == WebhookIngest.Result.DUPLICATE).hasSize(23);
		assertThat(deliveries(issueId)).isEqualTo(1);
		assertThat(evaluationJobs(issueId)).isEqualTo(1);
	}

	@Test
	void theSameChangeUnderManyDeliveryIdsAtOnceIsOneDecision() throws Exception {
		String issueId = randomIssueId();
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.transition(issueId, "7", "To Do", "Done"));

		List<WebhookIngest.Result> results = all(16,
				(i) -> () -> this.ingest.ingest("jira", "replayed-" + issueId + "-" + i, 0, parsed, null));

		assertThat(results).containsOnlyOnce(WebhookIngest.Result.QUEUED);
		assertThat(deliveries(issueId)).isEqualTo(1);
		assertThat(evaluationJobs(issueId)).isEqualTo(1);
	}

	@Test
	void aDeliveryTheDatabaseRefusesDoesNotCostTheOthersTheirAnswer() throws Exception {
		String issueId = randomIssueId();
		// PostgreSQL text cannot hold NUL, so this row fails the multi-row insert it is
		// part of.
		JiraPayloadParser.Parsed poisoned = new JiraPayloadParser.Parsed("jira:issue_updated\u0000", null, null, null);
		int good = 40;
		List<Future<WebhookIngest.Result>> futures = submitAll(good + 1,
				(i) -> () -> (i == good) ? this.ingest.ingest("jira", "poisoned-" + issueId, 0, poisoned, null)
						: this.ingest.ingest("jira", "good-" + issueId + "-" + i, 0,
								parse(JiraPayloads.transition(issueId, String.valueOf(i), "To Do", "Done")), null));

		for (int i = 0; i < good; i++) {
			assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(WebhookIngest.Result.QUEUED);
		}
		assertThatThrownBy(() -> futures.get(good).get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(DataAccessException.class);
		assertThat(deliveries(issueId)).isEqualTo(good);
		assertThat(evaluationJobs(issueId)).isEqualTo(good);
	}

	@Test
	void aRetriedDuplicateRecordsJirasRetryCount() {
		String issueId = randomIssueId();
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.transition(issueId, "3", "To Do", "Done"));
		String deliveryId = "retried-" + issueId;

		assertThat(this.ingest.ingest("jira", deliveryId, 0, parsed, null)).isEqualTo(WebhookIngest.Result.QUEUED);
		assertThat(this.ingest.ingest("jira", deliveryId, 2, parsed, null)).isEqualTo(WebhookIngest.Result.DUPLICATE);

		assertThat(this.jdbc.sql("SELECT retry_count FROM tollgate.delivery WHERE delivery_id = ?")
			.param(deliveryId)
			.query(Integer.class)
			.single()).isEqualTo(2);
	}

	private List<WebhookIngest.Result> all(int count,
			java.util.function.IntFunction<Callable<WebhookIngest.Result>> task) throws Exception {
		List<WebhookIngest.Result> results = new ArrayList<>();
		for (Future<WebhookIngest.Result> future : submitAll(count, task)) {
			results.add(future.get(30, TimeUnit.SECONDS));
		}
		return results;
	}

	/**
	 * Starts every task at the same moment, so that they queue up for the same commits.
	 */
	private List<Future<WebhookIngest.Result>> submitAll(int count,
			java.util.function.IntFunction<Callable<WebhookIngest.Result>> task) throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(count);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<WebhookIngest.Result>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Callable<WebhookIngest.Result> call = task.apply(i);
			futures.add(this.senders.submit(() -> {
				ready.countDown();
				go.await();
				return call.call();
			}));
		}
		assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
		go.countDown();
		return futures;
	}

	private JiraPayloadParser.Parsed parse(String body) {
		return new JiraPayloadParser(this.json).parse(body.getBytes(StandardCharsets.UTF_8), "test", Instant.now());
	}

	private long deliveries(String issueId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.delivery WHERE issue_id = ?")
			.param(issueId)
			.query(Long.class)
			.single();
	}

	private long evaluationJobs(String issueId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE kind = 'EVALUATE' AND ordering_key = ?")
			.param("issue:" + issueId)
			.query(Long.class)
			.single();
	}

	private static String randomIssueId() {
		return String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L));
	}

}
