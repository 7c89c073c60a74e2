package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.springframework.stereotype.Component;

/**
 * Resolves credential references at use: {@code env:NAME} from the environment,
 * {@code file:/path} from a file (re-read at most every 60 s, so a rotated Kubernetes
 * secret is picked up without a restart). The database only ever holds the reference.
 */
@Component
class Credentials {

	static final Duration FILE_CACHE = Duration.ofSeconds(60);

	/**
	 * An admin must not be able to send Tollgate's own secrets (database password, Jira
	 * token, webhook secrets) to a CI host of their choosing by naming them as a target's
	 * credential.
	 */
	private static final List<String> RESERVED_ENV_PREFIXES = List.of("SPRING_", "TOLLGATE_", "JAVA_", "PG");

	private static final List<Path> RESERVED_PATHS = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"),
			Path.of("/etc"));

	private final Function<String, String> environment;

	private final Clock clock;

	private final Map<Path, Cached> files = new ConcurrentHashMap<>();

	Credentials() {
		this(System::getenv, Clock.systemUTC());
	}

	Credentials(Function<String, String> environment, Clock clock) {
		this.environment = environment;
		this.clock = clock;
	}

	/**
	 * @throws TriggerFailure (permanent) when the reference is malformed or names
	 * nothing; the message names the reference, never a value
	 */
	Secret resolve(String reference) {
		if (reference == null || reference.isBlank()) {
			throw TriggerFailure.permanent("The target has no credentialRef.");
		}
		if (reference.startsWith("env:")) {
			String name = reference.substring(4);
			if (RESERVED_ENV_PREFIXES.stream().anyMatch(name::startsWith)) {
				throw TriggerFailure.permanent("Credential " + reference
						+ " names Tollgate's own configuration, which is never sent to a CI system.");
			}
			String value = this.environment.apply(name);
			if (value == null || value.isBlank()) {
				throw TriggerFailure.permanent("Credential " + reference + " is not set in the environment.");
			}
			return new Secret(value.strip());
		}
		if (reference.startsWith("file:")) {
			Path path = Path.of(reference.substring(5)).normalize();
			if (RESERVED_PATHS.stream().anyMatch(path::startsWith)) {
				throw TriggerFailure.permanent("Credential " + reference + " points into a system directory.");
			}
			Instant now = this.clock.instant();
			Cached cached = this.files.get(path);
			if (cached == null || cached.readAt().plus(FILE_CACHE).isBefore(now)) {
				cached = new Cached(read(path, reference), now);
				this.files.put(path, cached);
			}
			return cached.secret();
		}
		// Not echoed: a value that is not a reference may be a secret pasted by mistake.
		throw TriggerFailure.permanent("The target's credentialRef is neither env:NAME nor file:/path.");
	}

	private static Secret read(Path path, String reference) {
		try {
			String value = Files.readString(path, StandardCharsets.UTF_8).strip();
			if (value.isEmpty()) {
				throw TriggerFailure.permanent("Credential file " + reference + " is empty.");
			}
			return new Secret(value);
		}
		catch (IOException ex) {
			throw TriggerFailure.permanent("Credential file " + reference + " cannot be read.");
		}
	}

	private record Cached(Secret secret, Instant readAt) {
	}

}
