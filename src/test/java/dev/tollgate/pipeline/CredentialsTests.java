package dev.tollgate.pipeline;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tollgate.support.MutableClock;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CredentialsTests {

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));

	private Credentials credentials;

	@BeforeEach
	void credentials() {
		this.credentials = new Credentials(Map.of("GITHUB_TOKEN", " ghp_value ")::get, this.clock,
				List.of(this.dir, Path.of("/run/secrets")));
	}

	@Test
	void environmentReference() {
		assertThat(this.credentials.resolve("env:GITHUB_TOKEN").reveal()).isEqualTo("ghp_value");
	}

	@Test
	void fileReferenceIsReReadAfterAMinuteSoRotationNeedsNoRestart() throws Exception {
		Path file = this.dir.resolve("token");
		Files.writeString(file, "first\n");
		assertThat(this.credentials.resolve("file:" + file).reveal()).isEqualTo("first");
		Files.writeString(file, "second");
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.credentials.resolve("file:" + file).reveal()).as("cached").isEqualTo("first");
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.credentials.resolve("file:" + file).reveal()).isEqualTo("second");
	}

	@Test
	void missingCredentialsFailPermanentlyNamingOnlyTheReference() {
		assertThatExceptionOfType(TriggerFailure.class).isThrownBy(() -> this.credentials.resolve("env:NOPE"))
			.satisfies((f) -> assertThat(f.permanent()).isTrue())
			.withMessageContaining("env:NOPE");
		assertThatExceptionOfType(TriggerFailure.class)
			.isThrownBy(() -> this.credentials.resolve("file:" + this.dir.resolve("absent")))
			.satisfies((f) -> assertThat(f.permanent()).isTrue());
		assertThatExceptionOfType(TriggerFailure.class).isThrownBy(() -> this.credentials.resolve("ghp_plaintext"))
			.withMessageNotContaining("ghp_plaintext".substring(4));
	}

	@Test
	void tollgatesOwnSecretsAndSystemFilesCannotBeNamed() {
		for (String reference : List.of("env:SPRING_DATASOURCE_PASSWORD", "env:TOLLGATE_JIRA_API_TOKEN",
				"env:PGPASSWORD", "file:/proc/self/environ", "file:/etc/shadow",
				"file:/run/secrets/../../etc/passwd")) {
			assertThatExceptionOfType(TriggerFailure.class).as(reference)
				.isThrownBy(() -> this.credentials.resolve(reference))
				.satisfies((f) -> assertThat(f.permanent()).isTrue());
		}
	}

	@Test
	void aLinkRePointedAfterTheSaveIsRefusedAtUse() throws Exception {
		Path outside = Files.createTempDirectory("outside");
		Files.writeString(outside.resolve("key"), "private");
		Files.writeString(this.dir.resolve("token"), "fine");
		Path link = Files.createSymbolicLink(this.dir.resolve("link"), this.dir.resolve("token"));
		String reference = "file:" + link;
		assertThat(this.credentials.problem(reference)).isNull();
		assertThat(this.credentials.resolve(reference).reveal()).isEqualTo("fine");
		Files.delete(link);
		Files.createSymbolicLink(link, outside.resolve("key"));
		this.clock.advance(Duration.ofSeconds(61));
		assertThatExceptionOfType(TriggerFailure.class).isThrownBy(() -> this.credentials.resolve(reference))
			.satisfies((f) -> assertThat(f.permanent()).isTrue())
			.withMessageNotContaining("private");
	}

	@Test
	void aSecretNeverPrintsItself() {
		Secret secret = this.credentials.resolve("env:GITHUB_TOKEN");
		assertThat(secret.toString()).doesNotContain("ghp_value");
		assertThat(String.valueOf(secret)).doesNotContain("ghp_value");
	}

}
