/**
 * The admin REST API ({@code /api/v1}) and the HTTP security of the whole service: bearer
 * tokens and their scopes, default deny
 * ({@link dev.tollgate.admin.SecurityConfiguration}), policy resources and
 * policy-as-code, audit, jobs and approvals.
 */
@ApplicationModule(allowedDependencies = { "approval", "audit", "gate", "job", "policy", "problem" })
package dev.tollgate.admin;

import org.springframework.modulith.ApplicationModule;
