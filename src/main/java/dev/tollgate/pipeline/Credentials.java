package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.tollgate.policy.CredentialRefCheck;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Resolves credential references at use: {@code env:NAME} from the environment,
 * {@code file:/path} from a file (re-read at most every 60 s, so a rotated Kubernetes
 * secret is picked up without a restart). The database only ever holds the reference.
 * <p>
 * A {@code file:} reference must lie under one of the allowed roots after symlinks are
 * resolved: checked when the target is saved ({@link #problem}) and again at every read,
 * since a link can be re-pointed after the save.
 */
@Component
class Credentials implements CredentialRefCheck {

	static final Duration FILE_CACHE = Duration.ofSeconds(60);

	/**
	 * An admin must not be able to send Tollgate's own secrets (database password, Jira
	 * token, webhook secrets) to a CI host of their choosing by naming them as a target's
	 * credential.
	 */
	private static final List<String> RESERVED_ENV_PREFIXES = List.of("SPRING_", "TOLLGATE_", "JAVA_", "PG");

	private static final List<Path> RESERVED_PATHS = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"),
			Path.of("/etc"));

	/**
	 * The pod's own service account token lives here (under /var/run/secrets, which is
	 * /run/secrets on most images): it must never go to a CI host.
	 */
	private static final String KUBERNETES_SECRETS = "kubernetes.io";

	private final Function<String, String> environment;

	private final Clock clock;

	private final List<Path> roots;

	private final Map<Path, Cached> files = new ConcurrentHashMap<>();

	@Autowired
	Credentials(CredentialProperties properties) {
		this(System::getenv, Clock.systemUTC(), properties.fileRoots());
	}

	Credentials(Function<String, String> environment, Clock clock, List<Path> roots) {
		this.environment = environment;
		this.clock = clock;
		// The roots themselves are resolved too: /var/run is a link to /run on most
		// systems.
		this.roots = roots.stream().map(Credentials::realOrNormal).toList();
	}

	@Override
	public String problem(String reference) {
		if (reference == null || reference.isBlank()) {
			return null;
		}
		if (reference.startsWith("env:")) {
			return reservedEnv(reference.substring(4)) ? "names Tollgate's own configuration"
					+ " (SPRING_*, TOLLGATE_*, JAVA_*, PG*), which is never sent to a CI system" : null;
		}
		if (reference.startsWith("file:")) {
			return fileProblem(reference.substring(5));
		}
		return null;
	}

	private static boolean reservedEnv(String name) {
		return RESERVED_ENV_PREFIXES.stream().anyMatch(name::startsWith);
	}

	/**
	 * Why the file can never be read as a credential; {@code null} when it lies under a
	 * root. A file that does not exist yet is judged by its deepest existing directory,
	 * resolved, plus the rest of the path.
	 */
	private String fileProblem(String file) {
		Path path;
		try {
			path = Path.of(file);
		}
		catch (InvalidPathException ex) {
			return "is not a valid path";
		}
		if (!path.isAbsolute()) {
			return "must be an absolute path";
		}
		Path real = realOrNormal(path);
		if (RESERVED_PATHS.stream().anyMatch(real::startsWith)) {
			return "points into a system directory";
		}
		for (Path root : this.roots) {
			if (real.startsWith(root) && !real.equals(root)) {
				if (real.getNameCount() > root.getNameCount()
						&& real.getName(root.getNameCount()).toString().equals(KUBERNETES_SECRETS)) {
					return "points at the pod's own service account credentials";
				}
				return null;
			}
		}
		return "must lie under " + this.roots + " (tollgate.credentials.file-roots) once symlinks are resolved";
	}

	/** The real path of the deepest existing ancestor, plus the rest, normalised. */
	private static Path realOrNormal(Path path) {
		Path normal = path.toAbsolutePath().normalize();
		Path existing = normal;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return normal;
		}
		try {
			return existing.toRealPath().resolve(existing.relativize(normal)).normalize();
		}
		catch (IOException ex) {
			return normal;
		}
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
			if (reservedEnv(name)) {
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
			// Checked again at use: a link under a root may have been re-pointed since
			// the
			// save.
			String problem = fileProblem(reference.substring(5));
			if (problem != null) {
				throw TriggerFailure.permanent("Credential " + reference + " " + problem + ".");
			}
			Path path = Path.of(reference.substring(5)).normalize();
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

	private Secret read(Path path, String reference) {
		try {
			// Read through the resolved path, checked once more, so a link swapped
			// between
			// the check and the read still cannot lead out of the roots.
			Path real = path.toRealPath();
			if (fileProblem(real.toString()) != null) {
				throw TriggerFailure.permanent("Credential " + reference + " resolves outside the allowed roots.");
			}
			String value = Files.readString(real, StandardCharsets.UTF_8).strip();
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
