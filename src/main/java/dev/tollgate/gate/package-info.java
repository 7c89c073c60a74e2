/**
 * Gates the CI systems ask before a deployment proceeds (docs/gates.md): a GitHub custom
 * deployment protection rule, a GitLab deployment approval, a Jenkins input step. A
 * question becomes a review (one per gate, run or deployment, and environment) answered
 * by a durable job: cleared when Tollgate started the run for an allowed or granted
 * decision, or when the Jira issue the run names stands in an allowed status reached by
 * an allowed move; waiting while an approval is pending; rejected otherwise. The CI
 * systems are reached through {@code pipeline.GateAnswers}.
 */
@ApplicationModule(allowedDependencies = { "approval", "audit", "jira", "job", "pipeline", "policy" })
package dev.tollgate.gate;

import org.springframework.modulith.ApplicationModule;
