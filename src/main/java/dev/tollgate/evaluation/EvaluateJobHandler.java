package dev.tollgate.evaluation;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.job.Job;
import dev.tollgate.job.JobHandler;
import dev.tollgate.job.JobOutcome;
import dev.tollgate.webhook.JiraEvent;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Turns a queued Jira event into decisions. */
@Component
class EvaluateJobHandler implements JobHandler {

	private final JsonMapper json;

	private final AuditLog audit;

	EvaluateJobHandler(JsonMapper json, AuditLog audit) {
		this.json = json;
		this.audit = audit;
	}

	@Override
	public String kind() {
		return JiraEvent.EVALUATE_JOB;
	}

	@Override
	public JobOutcome handle(Job job) {
		JiraEvent event = this.json.readValue(job.payload(), JiraEvent.class);
		return JobOutcome.done(() -> this.audit.append(AuditEvent.of(AuditEventType.DECISION,
				"No rule matches this transition.")
			.outcome("IGNORED")
			.deliveryId(event.deliveryId())
			.issue(event.issue().id(), event.issue().key(), event.issue().projectKey(), event.issue().type())
			.actor(event.actorAccountId())
			.transition((event.status() != null) ? event.status().from() : null,
					(event.status() != null) ? event.status().to() : null)
			.build()));
	}

}
