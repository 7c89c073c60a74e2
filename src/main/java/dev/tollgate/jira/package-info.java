/**
 * The Jira Cloud REST client: user groups and project roles now, comments and transitions later.
 * Entry point: {@link dev.tollgate.jira.JiraClient}. Every failure that a retry could cure, and every
 * misconfiguration, surfaces as {@link dev.tollgate.jira.JiraUnavailable} so that callers retry and
 * never mistake an outage for an answer.
 */
package dev.tollgate.jira;
