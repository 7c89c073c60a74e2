package dev.tollgate.admin;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a person who mistypes is told: the field by name, the nearest known field, the
 * accepted values, where a syntax error is; and that hostile values (NUL, extreme
 * instants) are 400s naming the field, never 500s.
 */
class AdminInputTests extends IntegrationTest {

	private String suffix;

	@BeforeEach
	void names() {
		this.suffix = UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void aMisspeltRuleFieldIsRefusedWithTheNearestKnownOne() {
		HttpResponse<String> response = api().post("/api/v1/rules",
				"{\"name\":\"r-" + this.suffix + "\",\"projectKey\":\"OPS\",\"toStatus\":\"Done\","
						+ "\"allowedRole\":[\"dev\"],\"mode\":\"DRY_RUN\"}");
		JsonNode error = firstError(response, 400);
		assertThat(error.get("field").asString()).isEqualTo("allowedRole");
		assertThat(error.get("message").asString()).contains("did you mean allowedRoles?");
		assertThat(api().get("/api/v1/rules").body()).doesNotContain("r-" + this.suffix);
	}

	@Test
	void aMisspeltNestedFieldIsNamedByItsPath() {
		HttpResponse<String> response = api().post("/api/v1/rules", "{\"name\":\"r-" + this.suffix
				+ "\",\"projectKey\":\"OPS\",\"toStatus\":\"Done\",\"approval\":{\"required\":2,\"approverRole\":[\"x\"]}}");
		JsonNode error = firstError(response, 400);
		assertThat(error.get("field").asString()).as(response.body()).isEqualTo("approval.approverRole");
		assertThat(error.get("message").asString()).contains("did you mean approval.approverRoles?");
	}

	@Test
	void anUnknownFieldInAPolicyDocumentIsRefusedInJsonAndYaml() {
		HttpResponse<String> json = api().put("/api/v1/policy?dryRun=true", "{\"colour\":\"red\"}");
		assertThat(firstError(json, 400).get("field").asString()).isEqualTo("colour");
		HttpResponse<String> yaml = api().put("/api/v1/policy?dryRun=true", "roles: []\ncolour: red\n",
				"application/yaml", null);
		assertThat(firstError(yaml, 400).get("field").asString()).isEqualTo("colour");
		HttpResponse<String> nested = api().put("/api/v1/policy?dryRun=true",
				"roles:\n  - name: a\n    descripton: x\n", "application/yaml", null);
		JsonNode error = firstError(nested, 400);
		assertThat(error.get("field").asString()).isEqualTo("roles[0].descripton");
		assertThat(error.get("message").asString()).contains("did you mean roles[0].description?");
	}

	@Test
	void aBadEnumListsTheAcceptedValues() {
		JsonNode mode = firstError(api().post("/api/v1/rules", "{\"name\":\"r-" + this.suffix
				+ "\",\"projectKey\":\"OPS\",\"toStatus\":\"Done\",\"mode\":\"dryrun\"}"), 400);
		assertThat(mode.get("field").asString()).isEqualTo("mode");
		assertThat(mode.get("message").asString()).contains("ENFORCE").contains("DRY_RUN");
		JsonNode subjectType = firstError(
				api().post("/api/v1/role-bindings", "{\"role\":\"x\",\"subjectType\":\"TEAM\",\"subject\":\"acc\"}"),
				400);
		assertThat(subjectType.get("field").asString()).isEqualTo("subjectType");
		assertThat(subjectType.get("message").asString()).contains("USER").contains("GROUP").contains("PROJECT_ROLE");
	}

	@Test
	void aSyntaxErrorSaysWhere() {
		HttpResponse<String> json = api().post("/api/v1/roles", "{\n  \"name\": \"a\",\n  oops\n}");
		assertThat(json.statusCode()).isEqualTo(400);
		assertThat(body(json).get("detail").asString()).contains("line 3");
		assertThat(body(json).get("detail").asString()).contains("column");
		HttpResponse<String> yaml = api().put("/api/v1/policy?dryRun=true", "roles:\n  - name: a: b\n",
				"application/yaml", null);
		assertThat(yaml.statusCode()).isEqualTo(400);
		assertThat(body(yaml).get("detail").asString()).as(yaml.body()).containsPattern("YAML at line \\d");
	}

	@Test
	void auditFiltersSayWhatTheyAccept() {
		JsonNode since = firstError(api().get("/api/v1/audit?since=yesterday"), 400);
		assertThat(since.get("field").asString()).isEqualTo("since");
		assertThat(since.get("message").asString()).contains("ISO-8601").contains("2026-01-31T09:30:00Z");
		JsonNode type = firstError(api().get("/api/v1/audit?type=DECISIONS"), 400);
		assertThat(type.get("field").asString()).isEqualTo("type");
		assertThat(type.get("message").asString()).contains("DECISION,").contains("POLICY_CHANGED");
	}

	@Test
	void extremeInstantsAreA400NamingTheField() {
		JsonNode since = firstError(api().get("/api/v1/audit?since=%2B999999999-12-31T23:59:59Z"), 400);
		assertThat(since.get("field").asString()).isEqualTo("since");
		JsonNode expiresAt = firstError(
				api()
					.post("/api/v1/tokens",
							"{\"name\":\"t-" + this.suffix
									+ "\",\"scopes\":[\"auditor\"],\"expiresAt\":\"+999999999-12-31T23:59:59Z\"}"),
				400);
		assertThat(expiresAt.get("field").asString()).isEqualTo("expiresAt");
	}

	@Test
	void aNulCharacterIsA400NamingTheField() {
		JsonNode query = firstError(api().get("/api/v1/audit?projectKey=%00"), 400);
		assertThat(query.get("field").asString()).isEqualTo("projectKey");
		JsonNode role = firstError(
				api().post("/api/v1/roles", "{\"name\":\"r-" + this.suffix + "\",\"description\":\"a\\u0000b\"}"), 400);
		assertThat(role.get("field").asString()).isEqualTo("description");
		JsonNode token = firstError(api().post("/api/v1/tokens", "{\"name\":\"\\u0000\",\"scopes\":[\"auditor\"]}"),
				400);
		assertThat(token.get("field").asString()).isEqualTo("name");
		JsonNode policy = firstError(api().put("/api/v1/policy?dryRun=true", "{\"roles\":[{\"name\":\"a\\u0000\"}]}"),
				400);
		assertThat(policy.get("field").asString()).isEqualTo("roles[0].name");
	}

	@Test
	void rulesAreAddressableByNameAndBindingsById() {
		String role = "role-" + this.suffix;
		HttpResponse<String> createdRole = api().post("/api/v1/roles", "{\"name\":\"" + role + "\"}");
		assertThat(createdRole.statusCode()).as(createdRole.body()).isEqualTo(201);
		String rule = "Deploy " + this.suffix;
		HttpResponse<String> created = api().post("/api/v1/rules",
				"{\"name\":\"" + rule
						+ "\",\"projectKey\":\"OPS\",\"fromStatus\":\"*\",\"toStatus\":\"Done\",\"allowedRoles\":[\""
						+ role + "\"]}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		long id = body(created).get("id").asLong();
		String path = "/api/v1/rules/" + java.net.URLEncoder
			.encode(rule.toUpperCase(java.util.Locale.ROOT), java.nio.charset.StandardCharsets.UTF_8)
			.replace("+", "%20");
		HttpResponse<String> byName = api().get(path);
		assertThat(byName.statusCode()).isEqualTo(200);
		assertThat(body(byName).get("id").asLong()).isEqualTo(id);
		assertThat(api().get("/api/v1/rules/" + id).statusCode()).isEqualTo(200);
		assertThat(api().get("/api/v1/rules/no-such-rule-" + this.suffix).statusCode()).isEqualTo(404);
		// A rule read back and sent again (with its id) updates it.
		assertThat(api().put(path, byName.body(), "application/json", byName.headers().firstValue("ETag").orElseThrow())
			.statusCode()).isEqualTo(200);
		assertThat(api().delete(path).statusCode()).isEqualTo(204);

		HttpResponse<String> binding = api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"acc-" + this.suffix + "\"}");
		assertThat(binding.statusCode()).isEqualTo(201);
		long bindingId = body(binding).get("id").asLong();
		HttpResponse<String> read = api().get("/api/v1/role-bindings/" + bindingId);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(body(read).get("subject").asString()).isEqualTo("acc-" + this.suffix);
		assertThat(api().delete("/api/v1/role-bindings/" + bindingId).statusCode()).isEqualTo(204);
		assertThat(api().get("/api/v1/role-bindings/" + bindingId).statusCode()).isEqualTo(404);
	}

	@Test
	void everyCollectionAnswersTheSameEnvelope() {
		for (String path : new String[] { "/api/v1/roles", "/api/v1/role-bindings", "/api/v1/targets", "/api/v1/rules",
				"/api/v1/tokens", "/api/v1/jobs", "/api/v1/approvals", "/api/v1/audit" }) {
			HttpResponse<String> response = api().get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			JsonNode body = body(response);
			assertThat(body.isObject()).as(path).isTrue();
			assertThat(body.get("items").isArray()).as(path).isTrue();
			assertThat(body.has("nextCursor")).as(path).isTrue();
		}
	}

	private static JsonNode firstError(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		JsonNode errors = body(response).get("errors");
		assertThat(errors).as(response.body()).isNotNull();
		return errors.get(0);
	}

}
