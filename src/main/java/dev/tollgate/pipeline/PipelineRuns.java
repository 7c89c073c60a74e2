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

}
