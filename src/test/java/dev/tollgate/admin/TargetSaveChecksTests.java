package dev.tollgate.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can never work is refused when a target is saved (422 naming the field), over
 * HTTP: numeric host forms other than dotted quads, workflow and job names shaped like
 * paths, and credential references that name Tollgate's own configuration or a file
 * outside the allowed roots once symlinks are resolved.
 */
class TargetSaveChecksTests extends IntegrationTest {

	private static final Path ROOT;

	private static final Path OUTSIDE;

	static {
		try {
			Path base = Files.createTempDirectory("tollgate-credentials");
			ROOT = Files.createDirectories(base.resolve("secrets")).toRealPath();
			OUTSIDE = Files.createDirectories(base.resolve("private")).toRealPath();
			Files.writeString(ROOT.resolve("jenkins"), "user:token");
			Files.writeString(OUTSIDE.resolve("key"), "not for CI");
			// Like /usr/lib/ssl/private -> /etc/ssl/private: under a root by name only.
			Files.createSymbolicLink(ROOT.resolve("ssl"), OUTSIDE);
			Files.createSymbolicLink(ROOT.resolve("key-link"), OUTSIDE.resolve("key"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void roots(DynamicPropertyRegistry registry) {
		registry.add("tollgate.credentials.file-roots", ROOT::toString);
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://2130706433", "https://0", "https://0x7f000001", "https://0177.0.0.1",
			"https://017.0.0.1", "https://127.1", "https://10.0.0.0x1" })
	void numericHostsThatAreNotDottedQuadsAreRefused(String baseUrl) {
		HttpResponse<String> response = api().post("/api/v1/targets",
				jenkins(name(), baseUrl, "team/deploy", "file:" + ROOT.resolve("jenkins")));
		assertRejected(response, "baseUrl");
	}

	@ParameterizedTest
	@ValueSource(strings = { "../../x", "team/../deploy", "./deploy", "team//deploy", "a\\\\..\\\\b" })
	void jobNamesShapedLikePathsAreRefused(String job) {
		HttpResponse<String> response = api().post("/api/v1/targets",
				jenkins(name(), "https://ci.acme.io", job, "file:" + ROOT.resolve("jenkins")));
		assertRejected(response, "job");
	}

	@ParameterizedTest
	@ValueSource(strings = { "../../x", ".github/workflows/../../x", "..", "a/b.yml" })
	void workflowNamesShapedLikePathsAreRefused(String workflow) {
		HttpResponse<String> response = api().post("/api/v1/targets", """
				{"name":"%s","kind":"GITHUB_ACTIONS","repository":"acme/shop","workflow":"%s","ref":"main",
				 "credentialRef":"env:GITHUB_TOKEN"}""".formatted(name(), workflow));
		assertRejected(response, "workflow");
	}

	@ParameterizedTest
	@ValueSource(strings = { "env:TOLLGATE_JIRA_API_TOKEN", "env:SPRING_DATASOURCE_PASSWORD", "file:/tmp/token",
			"file:/etc/ssl/private/key.pem", "file:/proc/self/environ", "file:/run/secrets/../../etc/passwd",
			"file:/var/run/secrets/kubernetes.io/serviceaccount/token" })
	void credentialsThatCanNeverWorkAreRefused(String credentialRef) {
		HttpResponse<String> response = api().post("/api/v1/targets",
				jenkins(name(), "https://ci.acme.io", "team/deploy", credentialRef));
		assertRejected(response, "credentialRef");
	}

	@Test
	void aFileWhoseRealPathLeavesTheRootsIsRefused() {
		for (String reference : new String[] { "file:" + ROOT.resolve("ssl/key"), "file:" + ROOT.resolve("key-link"),
				"file:" + ROOT.resolve("ssl/not-yet-there") }) {
			HttpResponse<String> response = api().post("/api/v1/targets",
					jenkins(name(), "https://ci.acme.io", "team/deploy", reference));
			assertRejected(response, "credentialRef");
		}
	}

	@Test
	void aTargetThatCanWorkIsSaved() {
		for (String reference : new String[] { "file:" + ROOT.resolve("jenkins"),
				"file:" + ROOT.resolve("mounted-later"), "env:JENKINS_TOKEN" }) {
			HttpResponse<String> response = api().post("/api/v1/targets",
					jenkins(name(), "https://10.20.30.40/jenkins", "team/deploy", reference));
			assertThat(response.statusCode()).as(reference + ": " + response.body()).isEqualTo(201);
		}
	}

	@Test
	void aPolicyDocumentIsCheckedAlike() {
		String document = """
				{"roles":[],"bindings":[],"rules":[],"targets":[%s]}"""
			.formatted(jenkins("doc", "https://0x7f000001", "../../x", "env:TOLLGATE_ADMIN_BOOTSTRAP_TOKEN"));
		HttpResponse<String> response = api().put("/api/v1/policy?dryRun=true", document);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(body(response).get("errors").valueStream().map((error) -> error.get("field").asString()))
			.contains("targets[0].baseUrl", "targets[0].job", "targets[0].credentialRef");
	}

	private void assertRejected(HttpResponse<String> response, String field) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode errors = body(response).get("errors");
		assertThat(errors.valueStream().map((error) -> error.get("field").asString())).as(response.body())
			.contains(field);
	}

	private static String name() {
		return "t-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static String jenkins(String name, String baseUrl, String job, String credentialRef) {
		return """
				{"name":"%s","kind":"JENKINS","baseUrl":"%s","job":"%s","credentialRef":"%s"}""".formatted(name,
				baseUrl, job, credentialRef);
	}

}
