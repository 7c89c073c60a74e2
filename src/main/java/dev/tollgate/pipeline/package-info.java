/**
 * The {@code TRIGGER} job and one {@code PipelineProvider} per CI system, each in its own
 * sub-package ({@code github}, {@code gitlab}, {@code jenkins}, {@code noop}) with what
 * they share in {@code support} (internal to this module), templates, credentials by
 * reference and CI status callbacks. Uses {@code approval} only to listen for
 * {@code ApprovalGranted}, on which it starts the pipeline the approval held back.
 */
@ApplicationModule(
		allowedDependencies = { "approval", "audit", "jira", "job", "outbound", "policy", "problem", "signature" })
package dev.tollgate.pipeline;

import org.springframework.modulith.ApplicationModule;
