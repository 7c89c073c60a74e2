/**
 * The {@code TRIGGER} job and one client per CI system (GitHub Actions, GitLab, Jenkins, NOOP),
 * templates, credentials by reference and CI status callbacks.
 */
@ApplicationModule(allowedDependencies = {"approval", "audit", "jira", "job", "outbound", "policy", "problem", "signature"})
package dev.tollgate.pipeline;

import org.springframework.modulith.ApplicationModule;
