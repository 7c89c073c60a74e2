/**
 * Dev mode, for a first look on a bare machine: {@code ./mvnw spring-boot:run} runs
 * profile {@code dev}, which starts an embedded PostgreSQL when no datasource URL is
 * given ({@link dev.tollgate.devmode.DevDatabase}), seeds a demo policy once
 * ({@link dev.tollgate.devmode.DemoPolicy}) and says at the end of start-up how to try it
 * (with approver tokens for the console, {@link dev.tollgate.devmode.DemoApprovers}). The
 * production jar carries no PostgreSQL binaries, so {@code java -jar} never starts one.
 */
@ApplicationModule(allowedDependencies = { "admin", "policy" })
package dev.tollgate.devmode;

import org.springframework.modulith.ApplicationModule;
