package dev.tollgate.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.jira.CommentRequest;
import dev.tollgate.job.JobQueue;
import dev.tollgate.policy.Target;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies a CI system's report that a run finished: matched to its {@code pipeline_run},
 * completed once (a repeated or late report changes nothing), audited as
 * {@code PIPELINE_COMPLETED} and mirrored to the issue — in one transaction, with no
 * outbound call on the request thread.
 */
@Service
class PipelineCallbacks {

	enum Outcome {

		COMPLETED, DUPLICATE, UNMATCHED, PARKED, IGNORED, REJECTED

	}

	/**
	 * A terminal report.
	 *
	 * @param runId the CI system's id of the run, if known
	 * @param decisionId found in the run's name or variables, if present
	 * @param result the CI system's word for it (success, failure, cancelled …)
	 * @param duration {@code null} when not reported
	 */
	record Report(String provider, String runId, UUID decisionId, String result, boolean succeeded, String runUrl,
			Duration duration) {
	}

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final JobQueue jobs;

	private final MeterRegistry registry;

	PipelineCallbacks(JdbcClient jdbc, AuditLog audit, JobQueue jobs, MeterRegistry registry) {
		this.jdbc = jdbc;
		this.audit = audit;
		this.jobs = jobs;
		this.registry = registry;
	}

	void count(String provider, Outcome outcome) {
		Counter.builder("tollgate.callbacks")
			.description("CI status callbacks by provider and outcome")
			.tag("provider", provider)
			.tag("outcome", outcome.name())
			.register(this.registry)
			.increment();
	}

	@Transactional(timeout = 5)
	Outcome completed(Report report) {
		Optional<String> triggerJob = (report.decisionId() != null) ? lockTriggerJob(report.decisionId())
				: Optional.empty();
		Optional<Map<String, Object>> run = find(report);
		if (run.isEmpty()) {
			return park(report, triggerJob) ? Outcome.PARKED : Outcome.UNMATCHED;
		}
		Map<String, Object> row = run.get();
		String runUrl = (report.runUrl() != null) ? report.runUrl() : (String) row.get("run_url");
		int updated = this.jdbc.sql("""
				UPDATE tollgate.pipeline_run SET state = 'COMPLETED', result = :result, completed_at = now(),
				    run_id = COALESCE(run_id, :runId), run_url = COALESCE(:runUrl, run_url)
				WHERE id = :id AND completed_at IS NULL
				""")
			.param("result", report.result())
			.param("runId", report.runId())
			.param("runUrl", runUrl)
			.param("id", row.get("id"))
			.update();
		if (updated == 0) {
			return Outcome.DUPLICATE;
		}
		String target = (String) row.get("target");
		String issueKey = (String) row.get("issue_key");
		String runLabel = (report.runId() != null) ? "run #" + report.runId() : "the run";
		String took = (report.duration() != null) ? " after " + human(report.duration()) : "";
		long eventId = this.audit.append(AuditEvent
			.of(AuditEventType.PIPELINE_COMPLETED,
					"The pipeline of target '" + target + "' (" + runLabel + ") finished with '" + report.result() + "'"
							+ took + ".")
			.outcome(report.succeeded() ? "SUCCEEDED" : "FAILED")
			.deliveryId((String) row.get("delivery_id"))
			.issue((String) row.get("issue_id"), issueKey, (String) row.get("project_key"),
					(String) row.get("issue_type"))
			.actor((String) row.get("actor_account_id"))
			.transition((String) row.get("from_status"), (String) row.get("to_status"))
			.rule((Long) row.get("rule_id"), (String) row.get("rule_name"))
			.target(target)
			.runUrl(runUrl)
			.decisionId((UUID) row.get("decision_id"))
			.details((report.duration() != null)
					? Map.of("result", report.result(), "durationSeconds", report.duration().toSeconds())
					: Map.of("result", report.result()))
			.build());
		if (issueKey != null) {
			CommentRequest comment = CommentRequest.on(issueKey, eventId)
				.strong(report.succeeded() ? "PIPELINE SUCCEEDED" : "PIPELINE FAILED")
				.text(": ")
				.link(runLabel, runUrl)
				.text(" of ")
				.code(target)
				.text(" finished with ")
				.code(report.result())
				.text(took + ".")
				.build();
			this.jobs.enqueueOrdered(CommentRequest.JOB, comment.dedupKey(), comment, comment.orderingKey());
		}
		return Outcome.COMPLETED;
	}

	/**
	 * A report that names a decision Tollgate is still triggering (its run not yet
	 * recorded) is kept until the run is; anything else that matches nothing is only
	 * counted.
	 */
	private boolean park(Report report, Optional<String> triggerJob) {
		if (!triggerJob.map((status) -> "PENDING".equals(status) || "RUNNING".equals(status)).orElse(false)) {
			return false;
		}
		this.jdbc
			.sql("""
					INSERT INTO tollgate.pipeline_report (provider, decision_id, run_id, run_url, result, succeeded, duration_seconds)
					VALUES (:provider, :decisionId, :runId, :runUrl, :result, :succeeded, :duration)
					""")
			.param("provider", report.provider())
			.param("decisionId", report.decisionId())
			.param("runId", report.runId())
			.param("runUrl", report.runUrl())
			.param("result", report.result())
			.param("succeeded", report.succeeded())
			.param("duration", (report.duration() != null) ? report.duration().toSeconds() : null,
					java.sql.Types.BIGINT)
			.update();
		return true;
	}

	/**
	 * The status of the decision's trigger job, once no transaction is changing it. The
	 * trigger's completion marks its job first and then, in the same transaction, records
	 * the run and applies parked reports; waiting for the job row here means a report
	 * either sees that run or is parked before the completion looks for parked reports
	 * (without it, a result that came back within milliseconds could be parked just after
	 * that look and never applied).
	 */
	private Optional<String> lockTriggerJob(UUID decisionId) {
		return this.jdbc.sql("SELECT status FROM tollgate.job WHERE dedup_key = :key FOR SHARE")
			.param("key", TriggerRequest.dedupKey(decisionId))
			.query(String.class)
			.optional();
	}

	/**
	 * Parked reports whose run never got recorded are dropped after a day; applied ones
	 * after a week.
	 */
	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
	void purgeParked() {
		try {
			this.jdbc.sql("""
					DELETE FROM tollgate.pipeline_report
					WHERE (applied_at IS NULL AND received_at < now() - interval '1 day')
					   OR applied_at < now() - interval '7 days'
					""").update();
		}
		catch (org.springframework.dao.DataAccessException ex) {
			// the next round tries again
		}
	}

	/**
	 * Applies a report parked for this decision; joins the transaction that recorded its
	 * run.
	 */
	void applyParked(String provider, UUID decisionId) {
		this.jdbc.sql("""
				UPDATE tollgate.pipeline_report SET applied_at = now()
				WHERE id = (SELECT id FROM tollgate.pipeline_report
				            WHERE provider = :provider AND decision_id = :decisionId AND applied_at IS NULL
				            ORDER BY id LIMIT 1 FOR UPDATE)
				RETURNING provider, run_id, decision_id, result, succeeded, run_url, duration_seconds
				""")
			.param("provider", provider)
			.param("decisionId", decisionId)
			.query((rs, n) -> new Report(rs.getString("provider"), rs.getString("run_id"),
					rs.getObject("decision_id", UUID.class), rs.getString("result"), rs.getBoolean("succeeded"),
					rs.getString("run_url"),
					(rs.getObject("duration_seconds") != null) ? Duration.ofSeconds(rs.getLong("duration_seconds"))
							: null))
			.optional()
			.ifPresent(this::completed);
	}

	/**
	 * The decision id is the most precise key (every trigger carries it); then the CI
	 * system's run id — except for Jenkins, whose build numbers repeat across jobs, so
	 * its build URL is used.
	 */
	private Optional<Map<String, Object>> find(Report report) {
		if (report.decisionId() != null) {
			Optional<Map<String, Object>> byDecision = first(
					"SELECT * FROM tollgate.pipeline_run WHERE provider = :provider AND decision_id = :key",
					report.provider(), report.decisionId());
			if (byDecision.isPresent()) {
				return byDecision;
			}
		}
		if (Target.Kind.JENKINS.name().equals(report.provider())) {
			return (report.runUrl() != null)
					? first("SELECT * FROM tollgate.pipeline_run WHERE provider = :provider AND run_url = :key",
							report.provider(), report.runUrl())
					: Optional.empty();
		}
		return (report.runId() != null)
				? first("SELECT * FROM tollgate.pipeline_run WHERE provider = :provider AND run_id = :key",
						report.provider(), report.runId())
				: Optional.empty();
	}

	private Optional<Map<String, Object>> first(String sql, String provider, Object key) {
		return this.jdbc.sql(sql + " ORDER BY id LIMIT 1")
			.param("provider", provider)
			.param("key", key)
			.query()
			.listOfRows()
			.stream()
			.findFirst();
	}

	static String human(Duration duration) {
		long seconds = duration.toSeconds();
		return (seconds >= 60) ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
	}

}
