/**
 * Who an actor is in Jira: their groups and the project roles they hold, looked up
 * through {@link dev.tollgate.jira.JiraClient} and cached. Entry point:
 * {@link dev.tollgate.identity.JiraIdentity}.
 */
@ApplicationModule(allowedDependencies = { "jira", "policy" })
package dev.tollgate.identity;

import org.springframework.modulith.ApplicationModule;
