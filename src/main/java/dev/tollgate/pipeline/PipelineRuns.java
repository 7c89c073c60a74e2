package dev.tollgate.pipeline;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.tollgate.policy.Target;

/**
 * The {@code pipeline_run} table: one row per started run, what CI callbacks are matched
 * against.
 */
@Component
class PipelineRuns {

	private final JdbcClient jdbc;

	PipelineRuns(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records a started run with its home as the CI system names it in callbacks
	 * ({@link PipelineProvider#runScope}); joins the caller's transaction. A decision has
	 * at most one run.
	 */
	void started(Target target, String runScope, String webRoot, TriggerRequest request, PipelineProvider.Run run) {
		this.jdbc
			.sql("""
					INSERT INTO tollgate.pipeline_run (decision_id, provider, target, run_id, run_url, delivery_id, issue_id,
					    issue_key, project_key, issue_type, actor_account_id, from_status, to_status, rule_id, rule_name,
					    run_scope, web_root)
					VALUES (:decisionId, :provider, :target, :runId, :runUrl, :deliveryId, :issueId, :issueKey, :projectKey,
					    :issueType, :actor, :fromStatus, :toStatus, :ruleId, :ruleName, :runScope, :webRoot)
					ON CONFLICT (decision_id) DO NOTHING
					""")
			.param("decisionId", request.decisionId())
			.param("provider", target.kind().name())
			.param("target", target.name())
			.param("runId", run.runId())
			.param("runUrl", run.runUrl())
			.param("deliveryId", request.deliveryId())
			.param("issueId", request.issueId())
			.param("issueKey", request.issueKey())
			.param("projectKey", request.projectKey())
			.param("issueType", request.issueType())
			.param("actor", request.actorAccountId())
			.param("fromStatus", request.fromStatus())
			.param("toStatus", request.toStatus())
			.param("ruleId", request.ruleId())
			.param("ruleName", request.ruleName())
			.param("runScope", runScope, java.sql.Types.VARCHAR)
			.param("webRoot", webRoot, java.sql.Types.VARCHAR)
			.update();
	}

	/**
	 * The run Tollgate started in this home: by the CI system's run id, or by a decision
	 * id the run carries when its run id was not learned at dispatch (never a run whose
	 * recorded id is another run's).
	 */
	java.util.Optional<GateAnswers.StartedRun> find(Target.Kind provider, String runScope, String runId,
			java.util.Collection<java.util.UUID> decisionIds) {
		if (runScope == null) {
			return java.util.Optional.empty();
		}
		java.util.Optional<GateAnswers.StartedRun> byRunId = (runId == null) ? java.util.Optional.empty()
				: this.jdbc.sql("""
						SELECT decision_id, target, run_id, run_url FROM tollgate.pipeline_run
						WHERE provider = :provider AND run_scope = :scope AND run_id = :runId
						ORDER BY id DESC LIMIT 1
						""")
					.param("provider", provider.name())
					.param("scope", runScope)
					.param("runId", runId)
					.query(PipelineRuns::startedRow)
					.optional();
		if (byRunId.isPresent() || decisionIds.isEmpty()) {
			return byRunId;
		}
		return this.jdbc.sql("""
				SELECT decision_id, target, run_id, run_url FROM tollgate.pipeline_run
				WHERE provider = :provider AND run_scope = :scope AND decision_id = ANY(:ids)
				    AND (run_id IS NULL OR CAST(:runId AS text) IS NULL OR run_id = :runId)
				ORDER BY id DESC LIMIT 1
				""")
			.param("provider", provider.name())
			.param("scope", runScope)
			.param("ids", decisionIds.toArray(new java.util.UUID[0]))
			.param("runId", runId, java.sql.Types.VARCHAR)
			.query(PipelineRuns::startedRow)
			.optional();
	}

	/** A started run whose run id Tollgate did not learn at dispatch. */
	record Unlearnt(long id, String target, String runScope) {
	}

	/**
	 * The run of this decision in one of these homes whose run id is not known, if any:
	 * what a decision id alone would find.
	 */
	java.util.Optional<Unlearnt> unlearnt(Target.Kind provider, java.util.Collection<String> scopes,
			java.util.UUID decisionId) {
		if (scopes.isEmpty()) {
			return java.util.Optional.empty();
		}
		return this.jdbc.sql("""
				SELECT id, target, run_scope FROM tollgate.pipeline_run
				WHERE provider = :provider AND decision_id = :decisionId AND run_scope IN (:scopes) AND run_id IS NULL
				ORDER BY id LIMIT 1
				""")
			.param("provider", provider.name())
			.param("decisionId", decisionId)
			.param("scopes", scopes)
			.query((rs, n) -> new Unlearnt(rs.getLong("id"), rs.getString("target"), rs.getString("run_scope")))
			.optional();
	}

	/** Whether a run in one of these homes is recorded under this run id. */
	boolean known(Target.Kind provider, java.util.Collection<String> scopes, String runId) {
		if (scopes.isEmpty() || runId == null) {
			return false;
		}
		return this.jdbc.sql("""
				SELECT count(*) FROM tollgate.pipeline_run
				WHERE provider = :provider AND run_id = :runId AND run_scope IN (:scopes)
				""")
			.param("provider", provider.name())
			.param("runId", runId)
			.param("scopes", scopes)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Records the run id the CI system confirmed for a run that had none, so the next
	 * callback or question finds the run by its identity; joins the caller's transaction.
	 */
	void learnt(long id, String runId) {
		this.jdbc.sql("UPDATE tollgate.pipeline_run SET run_id = :runId WHERE id = :id AND run_id IS NULL")
			.param("runId", runId)
			.param("id", id)
			.update();
	}

	private static GateAnswers.StartedRun startedRow(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new GateAnswers.StartedRun(rs.getObject("decision_id", java.util.UUID.class), rs.getString("target"),
				rs.getString("run_id"), rs.getString("run_url"));
	}

}
