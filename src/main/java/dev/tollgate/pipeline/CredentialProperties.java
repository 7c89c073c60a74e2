package dev.tollgate.pipeline;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where {@code file:} credential references may point ({@code tollgate.credentials.*}).
 *
 * @param fileRoots directories a {@code file:} credential must lie under once symlinks
 * are resolved (Kubernetes' and Docker's secret mounts by default); the service account
 * token under {@code kubernetes.io} is never allowed
 */
@ConfigurationProperties("tollgate.credentials")
record CredentialProperties(@DefaultValue("/run/secrets") List<Path> fileRoots) {
}
