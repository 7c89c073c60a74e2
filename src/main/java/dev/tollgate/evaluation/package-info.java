/**
 * Decisions: transition, actor roles, decision, audit and follow-up jobs. Made at ingest
 * when nothing needs asking ({@code IngestDecider}, implementing the webhook module's
 * {@link dev.tollgate.webhook.IngestDecisions}), otherwise by the {@code EVALUATE} job;
 * both record through {@code DecisionRecorder} (ADR 0034).
 */
@ApplicationModule(allowedDependencies = { "approval", "audit", "identity", "jira", "job", "outbound", "pipeline",
		"policy", "webhook" })
package dev.tollgate.evaluation;

import org.springframework.modulith.ApplicationModule;
