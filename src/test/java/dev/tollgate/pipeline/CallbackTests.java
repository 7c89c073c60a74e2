package dev.tollgate.pipeline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.signature.HmacSignature;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI status callbacks per provider: authentication, matching, duplicates, non-terminal
 * states.
 */
class CallbackTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private JdbcClient jdbc;

	@Test
	void gitHubCompletedRunIsAuditedAndCommentedOnce() {
		Run run = run("GITHUB_ACTIONS", true);
		String body = github("completed", run.runId(), "success", "deploy");
		HttpResponse<String> first = post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(body))));
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(body(first).get("status").asString()).isEqualTo("COMPLETED");
		JsonNode event = completed(run).get(0);
		assertThat(event.get("outcome").asString()).isEqualTo("SUCCEEDED");
		assertThat(event.get("runUrl").asString())
			.isEqualTo("https://github.com/acme/shop/actions/runs/" + run.runId());
		assertThat(event.get("issueKey").asString()).isEqualTo(run.issueKey());
		assertThat(event.get("decisionId").asString()).isEqualTo(run.decisionId().toString());
		assertThat(commentJobs(event.get("id").asLong())).isEqualTo(1);

		HttpResponse<String> again = post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-old-secret", bytes(body))));
		assertThat(again.statusCode()).isEqualTo(202);
		assertThat(body(again).get("status").asString()).isEqualTo("DUPLICATE");
		assertThat(completed(run)).hasSize(1);
	}

	@Test
	void gitHubRunIsMatchedByTheDecisionIdInItsName() {
		Run run = run("GITHUB_ACTIONS", false);
		String body = github("completed", "777" + ThreadLocalRandom.current().nextInt(1_000_000), "failure",
				"Deploy OPS-1 " + run.decisionId());
		HttpResponse<String> response = post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-old-secret", bytes(body))));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(completed(run).get(0).get("outcome").asString()).isEqualTo("FAILED");
	}

	@Test
	void aCallbackFromAnotherRepositoryProjectOrJobMatchesNothingWhateverDecisionIdItNames() {
		Run gh = run("GITHUB_ACTIONS", true);
		String forged = github("completed", "555" + ThreadLocalRandom.current().nextInt(1_000_000), "success",
				"Deploy " + gh.decisionId())
			.replace("\"full_name\":\"acme/shop\"", "\"full_name\":\"mallory/fork\"");
		HttpResponse<String> unmatched = post("/webhooks/github", forged, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(forged))));
		assertThat(body(unmatched).get("status").asString()).isEqualTo("UNMATCHED");
		String sameRunIdElsewhere = github("completed", gh.runId(), "success", "deploy")
			.replace("\"full_name\":\"acme/shop\"", "\"full_name\":\"mallory/fork\"");
		assertThat(body(post("/webhooks/github", sameRunIdElsewhere,
				Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
						HmacSignature.sign("gh-new-secret", bytes(sameRunIdElsewhere)))))
			.get("status")
			.asString()).isEqualTo("UNMATCHED");
		String otherRunSameRepo = github("completed", "556" + ThreadLocalRandom.current().nextInt(1_000_000), "success",
				"Deploy " + gh.decisionId());
		assertThat(body(post("/webhooks/github", otherRunSameRepo,
				Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
						HmacSignature.sign("gh-new-secret", bytes(otherRunSameRepo)))))
			.get("status")
			.asString()).isEqualTo("UNMATCHED");
		assertThat(completed(gh)).isEmpty();
		String real = github("completed", gh.runId(), "failure", "deploy");
		HttpResponse<String> applied = post("/webhooks/github", real, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(real))));
		assertThat(applied.statusCode()).isEqualTo(200);
		assertThat(completed(gh).get(0).get("outcome").asString()).isEqualTo("FAILED");

		Run gl = run("GITLAB", false);
		String otherProject = gitlab("success", "424243", gl.decisionId()).replace("\"id\":42,", "\"id\":43,");
		assertThat(body(post("/webhooks/gitlab", otherProject, Map.of("X-Gitlab-Token", "gl-token"))).get("status")
			.asString()).isEqualTo("UNMATCHED");
		assertThat(completed(gl)).isEmpty();

		Run jk = run("JENKINS", false);
		String otherJob = jenkins("COMPLETED", "SUCCESS", jk.decisionId()).replace("team/deploy", "team/other")
			.replace("job/team/job/deploy", "job/team/job/other");
		assertThat(body(post("/webhooks/jenkins", otherJob, Map.of("X-Tollgate-Token", "jenkins-secret"))).get("status")
			.asString()).isEqualTo("UNMATCHED");
		assertThat(completed(jk)).isEmpty();
	}

	@Test
	void aRunUrlThatIsNotALinkToTheCiSystemIsLeftOutOfTheCommentAndTheReasonAudited() {
		for (String url : List.of("javascript:alert(document.cookie)", "data:text/html,hi",
				"https://evil.example/acme/shop/actions/runs/1", "http://github.com/acme/shop/actions/runs/1",
				"https://github.com@evil.example/x")) {
			Run run = run("GITHUB_ACTIONS", true);
			this.jdbc.sql("UPDATE tollgate.pipeline_run SET web_root = 'https://github.com/' WHERE decision_id = ?")
				.param(run.decisionId())
				.update();
			String body = github("completed", run.runId(), "success", "deploy")
				.replace("https://github.com/acme/shop/actions/runs/" + run.runId(), url);
			HttpResponse<String> response = post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run",
					"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(body))));
			assertThat(response.statusCode()).as(url).isEqualTo(200);
			JsonNode event = completed(run).get(0);
			assertThat(event.path("runUrl").isMissingNode() || event.path("runUrl").isNull()).as(url).isTrue();
			assertThat(event.get("details").get("runUrlDropped").asString()).as(url).contains("left out");
			assertThat(this.jdbc.sql("SELECT payload::text FROM tollgate.job WHERE dedup_key = ?")
				.param("comment:" + event.get("id").asLong())
				.query(String.class)
				.single()).as(url).doesNotContain(url).contains("PIPELINE SUCCEEDED");
		}
		Run fine = run("GITHUB_ACTIONS", true);
		this.jdbc.sql("UPDATE tollgate.pipeline_run SET web_root = 'https://github.com/' WHERE decision_id = ?")
			.param(fine.decisionId())
			.update();
		String body = github("completed", fine.runId(), "success", "deploy");
		post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
				HmacSignature.sign("gh-new-secret", bytes(body))));
		assertThat(completed(fine).get(0).get("runUrl").asString())
			.isEqualTo("https://github.com/acme/shop/actions/runs/" + fine.runId());
	}

	@Test
	void gitHubSignaturesAreChecked() {
		Run run = run("GITHUB_ACTIONS", true);
		String body = github("completed", run.runId(), "success", "deploy");
		assertThat(post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
				HmacSignature.sign("wrong", bytes(body))))
			.statusCode()).isEqualTo(401);
		assertThat(post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run")).statusCode())
			.isEqualTo(401);
		assertThat(completed(run)).isEmpty();
	}

	@Test
	void aRejectedCallbackIsToldWhatIsWrongWithItsSignatureOrToken() {
		String body = github("completed", "31337", "success", "deploy");
		String valid = HmacSignature.sign("gh-new-secret", bytes(body));
		assertUnauthorized("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run"),
				"has no X-Hub-Signature-256 header");
		assertUnauthorized("/webhooks/github", body,
				Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256", valid.substring(7)),
				"does not start with 'sha256='");
		assertUnauthorized("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
				HmacSignature.sign("wrong", bytes(body))), "did not verify against any configured secret");
		assertUnauthorized("/webhooks/gitlab", body, Map.of(), "has no X-Gitlab-Token header");
		assertUnauthorized("/webhooks/gitlab", body, Map.of("X-Gitlab-Token", "wrong"),
				"does not match any configured token");
		assertUnauthorized("/webhooks/jenkins", body, Map.of(),
				"has neither an X-Tollgate-Signature nor an X-Tollgate-Token header");
		assertUnauthorized("/webhooks/jenkins", body,
				Map.of("X-Tollgate-Signature", HmacSignature.sign("jenkins-secret", bytes(body)).substring(7)),
				"does not start with 'sha256='");
		assertUnauthorized("/webhooks/jenkins", body, Map.of("X-Tollgate-Token", "wrong"),
				"X-Tollgate-Token header does not match");
	}

	private void assertUnauthorized(String path, String body, Map<String, String> headers, String problem) {
		HttpResponse<String> response = post(path, body, headers);
		assertThat(response.statusCode()).as(path + " " + headers.keySet()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(body(response).get("detail").asString()).as(path + " " + headers.keySet()).contains(problem);
	}

	@Test
	void nonTerminalAndUnmatchedReportsChangeNothing() {
		Run run = run("GITHUB_ACTIONS", true);
		String inProgress = github("in_progress", run.runId(), null, "deploy");
		HttpResponse<String> ignored = post("/webhooks/github", inProgress, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(inProgress))));
		assertThat(ignored.statusCode()).isEqualTo(202);
		assertThat(body(ignored).get("status").asString()).isEqualTo("IGNORED");
		String unknown = github("completed", "999999999999", "success", "someone else's run");
		HttpResponse<String> unmatched = post("/webhooks/github", unknown, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(unknown))));
		assertThat(unmatched.statusCode()).isEqualTo(202);
		assertThat(body(unmatched).get("status").asString()).isEqualTo("UNMATCHED");
		assertThat(completed(run)).isEmpty();
	}

	@Test
	void gitLabPipelineHooks() {
		Run run = run("GITLAB", false);
		String running = gitlab("running", "424242", run.decisionId());
		assertThat(post("/webhooks/gitlab", running, Map.of("X-Gitlab-Token", "gl-token")).statusCode()).isEqualTo(202);
		String failed = gitlab("failed", "424242", run.decisionId());
		assertThat(post("/webhooks/gitlab", failed, Map.of("X-Gitlab-Token", "wrong")).statusCode()).isEqualTo(401);
		assertThat(post("/webhooks/gitlab", failed, Map.of()).statusCode()).isEqualTo(401);
		HttpResponse<String> response = post("/webhooks/gitlab", failed,
				Map.of("X-Gitlab-Token", "gl-token", "X-Gitlab-Event", "Pipeline Hook"));
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode event = completed(run).get(0);
		assertThat(event.get("outcome").asString()).isEqualTo("FAILED");
		assertThat(event.get("reason").asString()).contains("failed").contains("3m 5s");
	}

	@Test
	void jenkinsNotificationsBySignatureOrToken() {
		// Runs whose build number (35, what jenkins() reports) Tollgate learnt at
		// dispatch: matched by job and number, Jenkins is not asked (JenkinsGateTests
		// covers builds it did not learn).
		Run signed = jenkinsRun();
		String body = jenkins("COMPLETED", "SUCCESS", signed.decisionId());
		assertThat(
				post("/webhooks/jenkins", body, Map.of("X-Tollgate-Signature", HmacSignature.sign("nope", bytes(body))))
					.statusCode())
			.isEqualTo(401);
		assertThat(post("/webhooks/jenkins", body,
				Map.of("X-Tollgate-Signature", HmacSignature.sign("jenkins-secret", bytes(body))))
			.statusCode()).isEqualTo(200);
		String finalized = jenkins("FINALIZED", "SUCCESS", signed.decisionId());
		HttpResponse<String> duplicate = post("/webhooks/jenkins", finalized,
				Map.of("X-Tollgate-Signature", HmacSignature.sign("jenkins-secret", bytes(finalized))));
		assertThat(body(duplicate).get("status").asString()).isEqualTo("DUPLICATE");
		assertThat(completed(signed)).hasSize(1);

		Run byToken = jenkinsRun();
		String started = jenkins("STARTED", "", byToken.decisionId());
		assertThat(body(post("/webhooks/jenkins", started, Map.of("X-Tollgate-Token", "jenkins-secret"))).get("status")
			.asString()).isEqualTo("IGNORED");
		String aborted = jenkins("COMPLETED", "ABORTED", byToken.decisionId());
		assertThat(post("/webhooks/jenkins", aborted, Map.of("X-Tollgate-Token", "jenkins-secret")).statusCode())
			.isEqualTo(200);
		assertThat(completed(byToken).get(0).get("outcome").asString()).isEqualTo("FAILED");
	}

	@Autowired
	private PipelineCallbacks callbacks;

	@Autowired
	private org.springframework.transaction.support.TransactionTemplate tx;

	@Test
	void aResultThatArrivesBeforeTheRunIsRecordedIsParkedNotLost() {
		UUID decisionId = UUID.randomUUID();
		// The trigger is still running: its job exists, its run is not recorded yet.
		this.jdbc.sql("INSERT INTO tollgate.job (kind, dedup_key, payload) VALUES ('TRIGGER-IN-FLIGHT', ?, '{}')")
			.param("trigger:" + decisionId)
			.update();
		String body = github("completed", "31337", "success", "deploy (tollgate " + decisionId + ")");
		HttpResponse<String> early = post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run",
				"X-Hub-Signature-256", HmacSignature.sign("gh-new-secret", bytes(body))));
		assertThat(early.statusCode()).isEqualTo(202);
		assertThat(body(early).get("status").asString()).isEqualTo("PARKED");
		String issueKey = "CB-" + ThreadLocalRandom.current().nextInt(1_000_000);
		this.tx.executeWithoutResult((status) -> {
			this.jdbc
				.sql("""
						INSERT INTO tollgate.pipeline_run (decision_id, provider, target, run_id, issue_key, issue_id, project_key,
						    run_scope)
						VALUES (?, 'GITHUB_ACTIONS', 'deploy-prod', '31337', ?, '1', 'CB', 'acme/shop')
						""")
				.params(decisionId, issueKey)
				.update();
			this.callbacks.applyParked("GITHUB_ACTIONS", decisionId);
		});
		List<JsonNode> completed = body(api().get("/api/v1/audit?issueKey=" + issueKey + "&type=PIPELINE_COMPLETED"))
			.get("items")
			.valueStream()
			.toList();
		assertThat(completed).hasSize(1);
		assertThat(completed.get(0).get("outcome").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void aResultThatArrivesWhileTheTriggerRecordsItsRunWaitsForThatAndIsApplied() throws Exception {
		UUID decisionId = UUID.randomUUID();
		String issueKey = "CB-" + ThreadLocalRandom.current().nextInt(1_000_000);
		this.jdbc.sql("INSERT INTO tollgate.job (kind, dedup_key, payload) VALUES ('TRIGGER-IN-FLIGHT', ?, '{}')")
			.param("trigger:" + decisionId)
			.update();
		// The trigger's completion, as TriggerJobHandler runs it: job marked succeeded,
		// run recorded,
		// parked reports applied (none yet) -- and not committed while the result comes
		// in.
		CountDownLatch recorded = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<?> completion = threads.submit(() -> this.tx.executeWithoutResult((status) -> {
				this.jdbc.sql("UPDATE tollgate.job SET status = 'SUCCEEDED' WHERE dedup_key = ?")
					.param("trigger:" + decisionId)
					.update();
				this.jdbc
					.sql("""
							INSERT INTO tollgate.pipeline_run (decision_id, provider, target, run_id, issue_key, issue_id, project_key,
							    run_scope)
							VALUES (?, 'GITHUB_ACTIONS', 'deploy-prod', '31338', ?, '1', 'CB', 'acme/shop')
							""")
					.params(decisionId, issueKey)
					.update();
				this.callbacks.applyParked("GITHUB_ACTIONS", decisionId);
				recorded.countDown();
				await(commit);
			}));
			assertThat(recorded.await(10, TimeUnit.SECONDS)).isTrue();
			Future<PipelineCallbacks.Outcome> result = threads
				.submit(() -> this.callbacks.completed(new PipelineCallbacks.Report("GITHUB_ACTIONS", "31338",
						List.of("acme/shop"), decisionId, "success", true, null, null)));
			// The result either finishes on its own (and is lost) or waits for the
			// completion's lock.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!result.isDone() && !waitingForALock() && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			commit.countDown();
			completion.get(10, TimeUnit.SECONDS);
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(PipelineCallbacks.Outcome.COMPLETED);
		}
		finally {
			commit.countDown();
			threads.shutdownNow();
		}
		assertThat(
				body(api().get("/api/v1/audit?issueKey=" + issueKey + "&type=PIPELINE_COMPLETED")).get("items").size())
			.isEqualTo(1);
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM tollgate.pipeline_report WHERE decision_id = ? AND applied_at IS NULL")
			.param(decisionId)
			.query(Long.class)
			.single()).isZero();
	}

	private boolean waitingForALock() {
		return this.jdbc.sql("""
				SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%'
				""").query(Long.class).single() > 0;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void malformedCallbacksAre400() {
		String body = "not json";
		assertThat(post("/webhooks/github", body, Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256",
				HmacSignature.sign("gh-new-secret", bytes(body))))
			.statusCode()).isEqualTo(400);
	}

	record Run(UUID decisionId, String runId, String issueKey) {
	}

	/**
	 * Where each provider's runs of target deploy-prod live, as the trigger records it.
	 */
	private static final Map<String, String> SCOPES = Map.of("GITHUB_ACTIONS", "acme/shop", "GITLAB", "42", "JENKINS",
			"team/deploy");

	/** A started run as the trigger job records it. */
	private Run run(String provider, boolean withRunId) {
		UUID decisionId = UUID.randomUUID();
		String runId = withRunId ? Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L))
				: null;
		String issueKey = "CB-" + ThreadLocalRandom.current().nextInt(1_000_000);
		this.jdbc.sql("""
				INSERT INTO tollgate.pipeline_run (decision_id, provider, target, run_id, run_url, issue_key, issue_id,
				    project_key, rule_id, rule_name, run_scope)
				VALUES (?, ?, 'deploy-prod', ?, ?, ?, '1', 'CB', 1, 'prod deploy', ?)
				""").params(decisionId, provider, runId, null, issueKey, SCOPES.get(provider)).update();
		return new Run(decisionId, runId, issueKey);
	}

	/** A started Jenkins run whose build number, 35, was learnt at dispatch. */
	private Run jenkinsRun() {
		Run run = run("JENKINS", false);
		this.jdbc.sql("UPDATE tollgate.pipeline_run SET run_id = '35' WHERE decision_id = ?")
			.param(run.decisionId())
			.update();
		return new Run(run.decisionId(), "35", run.issueKey());
	}

	private List<JsonNode> completed(Run run) {
		return body(api().get("/api/v1/audit?issueKey=" + run.issueKey() + "&type=PIPELINE_COMPLETED")).get("items")
			.valueStream()
			.toList();
	}

	private long commentJobs(long auditEventId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE dedup_key = ?")
			.param("comment:" + auditEventId)
			.query(Long.class)
			.single();
	}

	private static String github(String action, String runId, String conclusion, String name) {
		return """
				{"action":"%s","workflow_run":{"id":%s,"name":"%s","display_title":"%s","status":"%s","conclusion":%s,
				 "html_url":"https://github.com/acme/shop/actions/runs/%s","run_started_at":"2026-11-26T10:00:00Z",
				 "updated_at":"2026-11-26T10:03:05Z"},"repository":{"full_name":"acme/shop"}}
				""".formatted(action, runId, name, name, "completed".equals(action) ? "completed" : "in_progress",
				(conclusion != null) ? "\"" + conclusion + "\"" : "null", runId);
	}

	private static String gitlab(String status, String id, UUID decisionId) {
		return """
				{"object_kind":"pipeline","object_attributes":{"id":%s,"status":"%s","duration":185,
				 "variables":[{"key":"TOLLGATE_DECISION_ID","value":"%s"}]},
				 "project":{"id":42,"web_url":"https://gitlab.com/acme/shop"}}
				""".formatted(id, status, decisionId);
	}

	private static String jenkins(String phase, String result, UUID decisionId) {
		return """
				{"decisionId":"%s","job":"team/deploy","number":35,"url":"https://ci.acme.io/job/team/job/deploy/35/",
				 "phase":"%s","result":"%s","duration":61000}
				""".formatted(decisionId, phase, result);
	}

	private HttpResponse<String> post(String path, String body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		headers.forEach(request::header);
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

}
