/** The admin REST API ({@code /api/v1}): bearer tokens and scopes, policy resources, audit and jobs, problem+json errors. */
package dev.tollgate.admin;
