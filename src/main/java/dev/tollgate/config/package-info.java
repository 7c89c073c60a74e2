/** Cross-cutting Spring configuration: security filter chains, scheduling, start-up diagnostics. */
package dev.tollgate.config;
