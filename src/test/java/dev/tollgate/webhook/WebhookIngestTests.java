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
import org.springframework.transaction.TransactionException;
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
		assertThat(decidedDeliveries(issueId)).isEqualTo(1);
	}

	@Test
	void theSameChangeUnderManyDeliveryIdsAtOnceIsOneDecision() throws Exception {
		String issueId = randomIssueId();
		JiraPayloadParser.Parsed parsed = parse(JiraPayloads.transition(issueId, "7", "To Do", "Done"));

		List<WebhookIngest.Result> results = all(16,
				(i) -> () -> this.ingest.ingest("jira", "replayed-" + issueId + "-" + i, 0, parsed, null));

		assertThat(results).containsOnlyOnce(WebhookIngest.Result.QUEUED);
		assertThat(deliveries(issueId)).isEqualTo(1);
		assertThat(decidedDeliveries(issueId)).isEqualTo(1);
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
		assertThat(decidedDeliveries(issueId)).isEqualTo(good);
	}

	@Test
	void aBatchDecidedAtIngestWithADuplicateAPoisonRowAndARefusedDecisionLosesNothing() throws Exception {
		String project = JiraPayloads.projectKey('B', Long.toHexString(ThreadLocalRandom.current().nextLong()));
		List<String> good = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			good.add(randomIssueId());
		}
		String duplicated = randomIssueId();
		String refused = randomIssueId();
		JiraPayloadParser.Parsed poisoned = new JiraPayloadParser.Parsed("jira:issue_updated\u0000", null, null, null);
		// The database refuses the refused issue's DECISION event: deciding fails in the
		// middle of the batch, after its delivery rows were written.
		String name = "test_refuse_decision_" + refused;
		this.jdbc
			.sql("CREATE FUNCTION tollgate." + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
					+ " IF NEW.issue_id = '" + refused + "' THEN RAISE EXCEPTION 'refused by the test'; END IF;"
					+ " RETURN NEW; END $$")
			.update();
		this.jdbc
			.sql("CREATE TRIGGER " + name
					+ " BEFORE INSERT ON tollgate.audit_event FOR EACH ROW EXECUTE FUNCTION tollgate." + name + "()")
			.update();
		List<Future<WebhookIngest.Result>> futures;
		try {
			int size = good.size() + 4;
			futures = submitAll(size, (i) -> () -> {
				if (i < good.size()) {
					return this.ingest.ingest("jira", "good-" + good.get(i), 0, transition(good.get(i), project), null);
				}
				return switch (i - good.size()) {
					case 0, 1 ->
						this.ingest.ingest("jira", "twice-" + duplicated, 0, transition(duplicated, project), null);
					case 2 -> this.ingest.ingest("jira", "poisoned-" + refused, 0, poisoned, null);
					default -> this.ingest.ingest("jira", "refused-" + refused, 0, transition(refused, project), null);
				};
			});
			for (int i = 0; i < good.size(); i++) {
				assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(WebhookIngest.Result.QUEUED);
			}
			assertThat(List.of(futures.get(good.size()).get(30, TimeUnit.SECONDS),
					futures.get(good.size() + 1).get(30, TimeUnit.SECONDS)))
				.containsExactlyInAnyOrder(WebhookIngest.Result.QUEUED, WebhookIngest.Result.DUPLICATE);
			assertThatThrownBy(() -> futures.get(good.size() + 2).get(30, TimeUnit.SECONDS))
				.isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(DataAccessException.class);
			// Its decision refused, the delivery is still stored, for its EVALUATE job.
			assertThat(futures.get(good.size() + 3).get(30, TimeUnit.SECONDS)).isEqualTo(WebhookIngest.Result.QUEUED);
			assertThat(deliveries(refused)).isEqualTo(1);
			assertThat(evaluationJobs(refused)).isEqualTo(1);
		}
		finally {
			this.jdbc.sql("DROP TRIGGER " + name + " ON tollgate.audit_event").update();
			this.jdbc.sql("DROP FUNCTION tollgate." + name + "()").update();
		}
		for (String issueId : good) {
			assertThat(deliveries(issueId)).isEqualTo(1);
			assertThat(evaluationJobs(issueId)).isZero();
			assertThat(decidedDeliveries(issueId)).isEqualTo(1);
		}
		assertThat(deliveries(duplicated)).isEqualTo(1);
		assertThat(decidedDeliveries(duplicated)).isEqualTo(1);
		assertThat(decidedDeliveries(refused)).isEqualTo(1);
	}

	@Test
	void aConnectionLostWhileDecidingAtIngestFailsItsBatchAndStoresNothingOfIt() throws Exception {
		String project = JiraPayloads.projectKey('C', Long.toHexString(ThreadLocalRandom.current().nextLong()));
		List<String> issues = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			issues.add(randomIssueId());
		}
		String fatal = issues.get(issues.size() - 1);
		// The backend writing the fatal issue's DECISION event dies under its
		// transaction.
		String name = "test_lose_connection_" + fatal;
		this.jdbc
			.sql("CREATE FUNCTION tollgate." + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
					+ " IF NEW.issue_id = '" + fatal + "' THEN PERFORM pg_terminate_backend(pg_backend_pid());"
					+ " PERFORM pg_sleep(5); END IF; RETURN NEW; END $$")
			.update();
		this.jdbc
			.sql("CREATE TRIGGER " + name
					+ " BEFORE INSERT ON tollgate.audit_event FOR EACH ROW EXECUTE FUNCTION tollgate." + name + "()")
			.update();
		List<String> failed = new ArrayList<>();
		try {
			List<Future<WebhookIngest.Result>> futures = submitAll(issues.size(), (i) -> () -> this.ingest
				.ingest("jira", "lost-" + issues.get(i), 0, transition(issues.get(i), project), null));
			for (int i = 0; i < issues.size(); i++) {
				try {
					assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(WebhookIngest.Result.QUEUED);
				}
				catch (ExecutionException ex) {
					// A 503 (what the controller answers to both): nothing of it may have
					// been stored, so Jira's retry is new.
					assertThat(ex.getCause()).isInstanceOfAny(DataAccessException.class, TransactionException.class);
					assertThat(deliveries(issues.get(i))).isZero();
					assertThat(decisions(issues.get(i))).isZero();
					failed.add(issues.get(i));
				}
			}
			assertThat(failed).contains(fatal);
		}
		finally {
			this.jdbc.sql("DROP TRIGGER " + name + " ON tollgate.audit_event").update();
			this.jdbc.sql("DROP FUNCTION tollgate." + name + "()").update();
		}
		for (String issueId : failed) {
			assertThat(this.ingest.ingest("jira", "lost-" + issueId, 1, transition(issueId, project), null))
				.isEqualTo(WebhookIngest.Result.QUEUED);
		}
		for (String issueId : issues) {
			assertThat(deliveries(issueId)).isEqualTo(1);
			assertThat(decidedDeliveries(issueId)).isEqualTo(1);
		}
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

	private JiraPayloadParser.Parsed transition(String issueId, String project) {
		return parse(JiraPayloads.transition(issueId, issueId, project, "acc-" + issueId, "To Do", "Done"));
	}

	private long evaluationJobs(String issueId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE kind = 'EVALUATE' AND ordering_key = ?")
			.param("issue:" + issueId)
			.query(Long.class)
			.single();
	}

	private long decisions(String issueId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND issue_id = ?")
			.param(issueId)
			.query(Long.class)
			.single();
	}

	private long deliveries(String issueId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.delivery WHERE issue_id = ?")
			.param(issueId)
			.query(Long.class)
			.single();
	}

	/**
	 * How many of the issue's deliveries were decided, once nothing of it waits for
	 * evaluation any more: each exactly once, whether at ingest or by its
	 * {@code EVALUATE} job (one decision per delivery here, where no rule matches, so one
	 * decision id).
	 */
	private long decidedDeliveries(String issueId) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.jdbc
				.sql("SELECT count(*) FROM tollgate.job WHERE ordering_key = ? AND status IN ('PENDING', 'RUNNING')")
				.param("issue:" + issueId)
				.query(Long.class)
				.single() == 0);
		List<Long> perDelivery = this.jdbc.sql("""
				SELECT count(*) FROM tollgate.audit_event WHERE type = 'DECISION' AND issue_id = ? GROUP BY decision_id
				""").param(issueId).query(Long.class).list();
		assertThat(perDelivery).allMatch((decisions) -> decisions == 1);
		return perDelivery.size();
	}

	private static String randomIssueId() {
		return String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L));
	}

}
