/**
 * Jira Cloud: the REST client (user groups, project roles, comments in Atlassian Document
 * Format, transitions), the {@code COMMENT} and {@code REVERT} jobs. Reads surface every
 * failure a retry could cure, and every misconfiguration, as
 * {@link dev.tollgate.jira.JiraUnavailable}, so callers retry and never mistake an outage
 * for an answer; writes that Jira refuses for good are
 * {@link dev.tollgate.jira.JiraRejected}.
 */
@ApplicationModule(allowedDependencies = { "audit", "job", "outbound" })
package dev.tollgate.jira;

import org.springframework.modulith.ApplicationModule;
