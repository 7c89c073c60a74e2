/**
 * The {@code EVALUATE} job: transition, actor roles, decision, audit and follow-up jobs.
 */
@ApplicationModule(allowedDependencies = { "approval", "audit", "identity", "jira", "job", "outbound", "pipeline",
		"policy", "webhook" })
package dev.tollgate.evaluation;

import org.springframework.modulith.ApplicationModule;
