/**
 * The {@code TRIGGER} job and one client per CI system (GitHub Actions, GitLab, Jenkins, NOOP),
 * templates, credentials by reference and CI status callbacks.
 */
package dev.tollgate.pipeline;
