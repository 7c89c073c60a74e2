package dev.tollgate.pipeline;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
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
import dev.tollgate.pipeline.support.CallbackFields;
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

		COMPLETED, DUPLICATE, UNMATCHED, PARKED, IGNORED, REJECTED,
		/**
		 * The CI system could not be asked whether the run carries the decision id it
		 * names; answered 503, to be sent again.
		 */
		UNCONFIRMED

	}

	/**
	 * A terminal report.
	 *
	 * @param runId the CI system's id of the run, if known
	 * @param scopes the run's home as the CI system named it (repository, project, job)
	 * @param decisionId found in the run's name or variables, if present
	 * @param result the CI system's word for it (success, failure, cancelled …)
	 * @param duration {@code null} when not reported
	 * @param confirmedRun the {@code pipeline_run} whose decision id the CI system
	 * confirmed this run carries ({@link RunConfirmations}), or {@code null}: for a
	 * provider whose decision ids need confirming, the only run without a run id that the
	 * report may complete
	 */
	record Report(String provider, String runId, List<String> scopes, UUID decisionId, String result, boolean succeeded,
			String runUrl, Duration duration, Long confirmedRun) {

		Report {
			scopes = (scopes != null) ? List.copyOf(scopes) : List.of();
		}

		Report(String provider, String runId, List<String> scopes, UUID decisionId, String result, boolean succeeded,
				String runUrl, Duration duration) {
			this(provider, runId, scopes, decisionId, result, succeeded, runUrl, duration, null);
		}

		Report(String provider, StatusCallback.Finished finished) {
			this(provider, finished.runId(), finished.scopes(), finished.decisionId(), finished.result(),
					finished.succeeded(), finished.runUrl(), finished.duration());
		}

		/** This report, confirmed as the run of {@code pipeline_run} {@code id}. */
		Report confirmedAs(long id) {
			return new Report(this.provider, this.runId, this.scopes, this.decisionId, this.result, this.succeeded,
					this.runUrl, this.duration, id);
		}

	}

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final JobQueue jobs;

	private final MeterRegistry registry;

	private final RunConfirmations confirmations;

	private final PipelineRuns runs;

	PipelineCallbacks(JdbcClient jdbc, AuditLog audit, JobQueue jobs, MeterRegistry registry,
			RunConfirmations confirmations, PipelineRuns runs) {
		this.confirmations = confirmations;
		this.runs = runs;
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
		if (report.scopes().isEmpty()) {
			// a report that does not say where its run lives cannot be told from
			// another's
			return Outcome.UNMATCHED;
		}
		Optional<String> triggerJob = (report.decisionId() != null) ? lockTriggerJob(report.decisionId())
				: Optional.empty();
		Optional<Map<String, Object>> run = find(report);
		if (run.isEmpty()) {
			return park(report, triggerJob) ? Outcome.PARKED : Outcome.UNMATCHED;
		}
		Map<String, Object> row = run.get();
		if (confirmed(report, row)) {
			// Confirmed by the CI system: the next report finds the run by its identity.
			this.runs.learnt(report.confirmedRun(), report.runId());
		}
		// A link in a Jira comment is only one to where the target's runs are shown.
		String linkProblem = (report.runUrl() != null)
				? CallbackFields.linkProblem(report.runUrl(), (String) row.get("web_root")) : null;
		String reported = (linkProblem == null) ? report.runUrl() : null;
		String runUrl = (reported != null) ? reported : (String) row.get("run_url");
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
			.details(details(report, linkProblem))
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
					INSERT INTO tollgate.pipeline_report (provider, decision_id, run_id, run_url, result, succeeded, duration_seconds,
					    run_scopes)
					VALUES (:provider, :decisionId, :runId, :runUrl, :result, :succeeded, :duration,
					    string_to_array(:scopes, ' '))
					""")
			.param("provider", report.provider())
			.param("decisionId", report.decisionId())
			.param("runId", report.runId())
			.param("runUrl", report.runUrl())
			.param("result", report.result())
			.param("succeeded", report.succeeded())
			.param("scopes", report.scopes())
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
				RETURNING provider, run_id, run_scopes, decision_id, result, succeeded, run_url, duration_seconds
				""")
			.param("provider", provider)
			.param("decisionId", decisionId)
			.query((rs, n) -> new Report(rs.getString("provider"), rs.getString("run_id"),
					strings(rs.getArray("run_scopes")), rs.getObject("decision_id", UUID.class), rs.getString("result"),
					rs.getBoolean("succeeded"), rs.getString("run_url"),
					(rs.getObject("duration_seconds") != null) ? Duration.ofSeconds(rs.getLong("duration_seconds"))
							: null))
			.optional()
			.ifPresent(this::completed);
	}

	/**
	 * A report belongs to the run whose CI identity it carries: the run's home
	 * (repository, project or job, recorded when the run was started) and the run id
	 * there. Within that home the decision id the run carries finds a run whose id
	 * Tollgate did not learn at dispatch, and is checked on top of a run id it did learn.
	 * A report from another home matches nothing, whatever decision id it names.
	 */
	private Optional<Map<String, Object>> find(Report report) {
		if (report.decisionId() != null) {
			// Where the decision id is the run's own word (Jenkins), a run without a run
			// id is its run only as the CI system confirmed it (RunConfirmations).
			boolean confirming = this.confirmations.confirming(report.provider());
			Optional<Map<String, Object>> byDecision = first(
					"SELECT * FROM tollgate.pipeline_run WHERE provider = :provider AND decision_id = :key"
							+ " AND run_scope IN (:scopes) AND (run_id IS NULL OR :runId IS NULL OR run_id = :runId)",
					report, report.decisionId())
				.filter((row) -> !confirming
						|| (report.runId() != null && (row.get("run_id") != null || confirmed(report, row))));
			if (byDecision.isPresent()) {
				return byDecision;
			}
		}
		return (report.runId() != null)
				? first("SELECT * FROM tollgate.pipeline_run WHERE provider = :provider AND run_id = :key"
						+ " AND run_scope IN (:scopes)", report, report.runId())
					.filter((row) -> report.decisionId() == null || report.decisionId().equals(row.get("decision_id")))
				: Optional.empty();
	}

	private static boolean confirmed(Report report, Map<String, Object> row) {
		return report.confirmedRun() != null && row.get("id") instanceof Number id
				&& report.confirmedRun() == id.longValue();
	}

	private Optional<Map<String, Object>> first(String sql, Report report, Object key) {
		return this.jdbc.sql(sql + " ORDER BY id LIMIT 1")
			.param("provider", report.provider())
			.param("key", key)
			.param("scopes", report.scopes())
			.param("runId", report.runId(), java.sql.Types.VARCHAR)
			.query()
			.listOfRows()
			.stream()
			.findFirst();
	}

	private static Map<String, Object> details(Report report, String linkProblem) {
		Map<String, Object> details = new java.util.LinkedHashMap<>();
		details.put("result", report.result());
		if (report.duration() != null) {
			details.put("durationSeconds", report.duration().toSeconds());
		}
		if (linkProblem != null) {
			details.put("runUrlDropped", "The reported run URL was left out of the comment: " + linkProblem + ".");
		}
		return details;
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? List.of((String[]) array.getArray()) : List.of();
	}

	static String human(Duration duration) {
		long seconds = duration.toSeconds();
		return (seconds >= 60) ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
	}

}
