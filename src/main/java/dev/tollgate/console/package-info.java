/**
 * The web console at {@code /console}: approvals, audit, jobs, policy and gates in a
 * browser, rendered on the server (Thymeleaf, htmx from a WebJar). Sign-in with OpenID
 * Connect or an API token; sessions in PostgreSQL; scopes mean what they mean in the
 * admin API. It reads and acts only through the other modules' public APIs, so a vote
 * here takes the same path, checks and audit as a vote through the API (docs/console.md).
 */
@ApplicationModule(allowedDependencies = { "admin", "approval", "audit", "gate", "job", "policy" })
package dev.tollgate.console;

import org.springframework.modulith.ApplicationModule;
