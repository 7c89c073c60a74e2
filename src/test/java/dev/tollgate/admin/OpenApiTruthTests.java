package dev.tollgate.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.signature.HmacSignature;
import dev.tollgate.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the running endpoints: every operation it lists is called
 * on its happy path (or, where that needs a pending approval or a dead job, the error it
 * gives without one) and without credentials, and each answer's status and content type
 * must be among the responses the document gives for that operation. Every operation with
 * a JSON request body is also sent an unknown field, generated from the document, so a
 * new resource is covered without touching this test: it must be refused with 400 naming
 * the field.
 */
class OpenApiTruthTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String UNKNOWN = "tollgateUnknownField";

	private JsonNode document;

	private String suffix;

	@BeforeEach
	void load() {
		HttpResponse<String> response = send("GET", "/v3/api-docs", null, null, Map.of());
		assertThat(response.statusCode()).isEqualTo(200);
		this.document = json.readTree(response.body());
		this.suffix = UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void everyDocumentedOperationAnswersAsDocumented() {
		Map<String, List<HttpResponse<String>>> answers = new LinkedHashMap<>();
		String role = "oa-role-" + this.suffix;
		String target = "oa-target-" + this.suffix;
		String rule = "oa-rule-" + this.suffix;
		call(answers, "POST", "/api/v1/roles", "/api/v1/roles", "{\"name\":\"" + role + "\"}");
		call(answers, "GET", "/api/v1/roles", "/api/v1/roles", null);
		call(answers, "GET", "/api/v1/roles/{name}", "/api/v1/roles/" + role, null);
		call(answers, "PUT", "/api/v1/roles/{name}", "/api/v1/roles/" + role,
				"{\"name\":\"" + role + "\",\"description\":\"documented\"}");
		long binding = json
			.readTree(call(answers, "POST", "/api/v1/role-bindings", "/api/v1/role-bindings",
					"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"acc-" + this.suffix + "\"}")
				.body())
			.get("id")
			.asLong();
		call(answers, "GET", "/api/v1/role-bindings", "/api/v1/role-bindings", null);
		call(answers, "GET", "/api/v1/role-bindings/{id}", "/api/v1/role-bindings/" + binding, null);
		call(answers, "POST", "/api/v1/targets", "/api/v1/targets", "{\"name\":\"" + target + "\",\"kind\":\"NOOP\"}");
		call(answers, "GET", "/api/v1/targets", "/api/v1/targets", null);
		call(answers, "GET", "/api/v1/targets/{name}", "/api/v1/targets/" + target, null);
		call(answers, "PUT", "/api/v1/targets/{name}", "/api/v1/targets/" + target,
				"{\"name\":\"" + target + "\",\"kind\":\"NOOP\"}");
		String ruleBody = "{\"name\":\"" + rule + "\",\"projectKey\":\"OA"
				+ "\",\"fromStatus\":\"*\",\"toStatus\":\"Done " + this.suffix + "\",\"allowedRoles\":[\"" + role
				+ "\"],\"target\":\"" + target + "\"}";
		long ruleId = json.readTree(call(answers, "POST", "/api/v1/rules", "/api/v1/rules", ruleBody).body())
			.get("id")
			.asLong();
		call(answers, "GET", "/api/v1/rules", "/api/v1/rules", null);
		call(answers, "GET", "/api/v1/rules/{id}", "/api/v1/rules/" + ruleId, null);
		call(answers, "PUT", "/api/v1/rules/{id}", "/api/v1/rules/" + rule, ruleBody);
		String policy = call(answers, "GET", "/api/v1/policy", "/api/v1/policy", null).body();
		call(answers, "PUT", "/api/v1/policy", "/api/v1/policy?dryRun=true", policy);
		call(answers, "POST", "/api/v1/policy/explain", "/api/v1/policy/explain",
				"{\"projectKey\":\"OA\",\"fromStatus\":\"A\",\"toStatus\":\"Done " + this.suffix
						+ "\",\"actorAccountId\":\"acc-" + this.suffix + "\"}");
		call(answers, "GET", "/api/v1/audit", "/api/v1/audit?limit=1", null);
		call(answers, "GET", "/api/v1/audit/export", "/api/v1/audit/export?format=ndjson&limit=1", null);
		call(answers, "GET", "/api/v1/audit/verify", "/api/v1/audit/verify", null);
		call(answers, "GET", "/api/v1/audit/head", "/api/v1/audit/head", null);
		call(answers, "GET", "/api/v1/approvals", "/api/v1/approvals", null);
		call(answers, "POST", "/api/v1/approvals/{id}/approve", "/api/v1/approvals/9999999999/approve", "{}");
		call(answers, "POST", "/api/v1/approvals/{id}/deny", "/api/v1/approvals/9999999999/deny", "{}");
		String gateTarget = "oa-app-" + this.suffix;
		String gate = "oa-gate-" + this.suffix;
		call(answers, "POST", "/api/v1/targets", "/api/v1/targets",
				"{\"name\":\"" + gateTarget
						+ "\",\"kind\":\"GITHUB_ACTIONS\",\"repository\":\"acme/oa\",\"workflow\":\"deploy.yml\","
						+ "\"ref\":\"main\",\"credentialRef\":\"env:GH_APP_KEY\",\"auth\":\"APP\",\"appId\":\"1\","
						+ "\"installationId\":\"2\"}");
		String gateBody = "{\"name\":\"" + gate + "\",\"target\":\"" + gateTarget
				+ "\",\"environment\":\"production\"}";
		call(answers, "POST", "/api/v1/gates", "/api/v1/gates", gateBody);
		call(answers, "GET", "/api/v1/gates", "/api/v1/gates", null);
		call(answers, "GET", "/api/v1/gates/{name}", "/api/v1/gates/" + gate, null);
		call(answers, "PUT", "/api/v1/gates/{name}", "/api/v1/gates/" + gate, gateBody);
		call(answers, "GET", "/api/v1/gates/reviews", "/api/v1/gates/reviews?status=WAITING", null);
		call(answers, "DELETE", "/api/v1/gates/{name}", "/api/v1/gates/" + gate, null);
		call(answers, "DELETE", "/api/v1/targets/{name}", "/api/v1/targets/" + gateTarget, null);
		call(answers, "GET", "/api/v1/jobs", "/api/v1/jobs", null);
		call(answers, "POST", "/api/v1/jobs/{id}/retry", "/api/v1/jobs/9999999999/retry", null);
		long token = json
			.readTree(call(answers, "POST", "/api/v1/tokens", "/api/v1/tokens",
					"{\"name\":\"oa-token-" + this.suffix + "\",\"scopes\":[\"auditor\"]}")
				.body())
			.get("id")
			.asLong();
		call(answers, "GET", "/api/v1/tokens", "/api/v1/tokens", null);
		call(answers, "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/" + token, null);
		call(answers, "DELETE", "/api/v1/rules/{id}", "/api/v1/rules/" + ruleId, null);
		call(answers, "DELETE", "/api/v1/targets/{name}", "/api/v1/targets/" + target, null);
		call(answers, "DELETE", "/api/v1/role-bindings/{id}", "/api/v1/role-bindings/" + binding, null);
		call(answers, "DELETE", "/api/v1/roles/{name}", "/api/v1/roles/" + role, null);
		String jira = "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"id\":\"" + this.suffix.hashCode()
				+ "\",\"key\":\"OA-1\",\"fields\":{\"project\":{\"key\":\"OA\"},\"issuetype\":{\"name\":\"Task\"}}}}";
		answers.computeIfAbsent("POST /webhooks/jira", (k) -> new ArrayList<>())
			.add(send("POST", "/webhooks/jira", null, jira, Map.of("X-Hub-Signature", sign(SECRET, jira),
					"X-Atlassian-Webhook-Identifier", "oa-" + this.suffix)));
		String run = "{\"action\":\"in_progress\"}";
		answers.computeIfAbsent("POST /webhooks/github", (k) -> new ArrayList<>())
			.add(send("POST", "/webhooks/github", null, run,
					Map.of("X-GitHub-Event", "workflow_run", "X-Hub-Signature-256", sign("gh-new-secret", run))));
		answers.computeIfAbsent("POST /webhooks/gitlab", (k) -> new ArrayList<>())
			.add(send("POST", "/webhooks/gitlab", null, "{\"object_kind\":\"push\"}",
					Map.of("X-Gitlab-Token", "gl-token")));
		answers.computeIfAbsent("POST /webhooks/jenkins", (k) -> new ArrayList<>())
			.add(send("POST", "/webhooks/jenkins", null, "{\"phase\":\"STARTED\"}",
					Map.of("X-Tollgate-Token", "jenkins-secret")));

		// One error each: no credentials at all.
		for (String operation : operations()) {
			String method = operation.substring(0, operation.indexOf(' '));
			String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1");
			String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
			HttpResponse<String> unauthenticated = send(method, path, null, body, Map.of());
			assertThat(unauthenticated.statusCode()).as(operation + " without credentials").isEqualTo(401);
			answers.get(operation).add(unauthenticated);
		}

		assertThat(answers.keySet()).as("every documented operation is exercised here, and only those")
			.containsExactlyInAnyOrderElementsOf(operations());
		answers
			.forEach((operation, responses) -> responses.forEach((response) -> assertDocumented(operation, response)));
	}

	@Test
	void everyRequestBodyRefusesAnUnknownFieldByName() {
		// Votes take an approver token: the scope is checked before the body is read.
		String approver = json
			.readTree(send("POST", "/api/v1/tokens", ADMIN_TOKEN,
					"{\"name\":\"oa-approver-" + this.suffix + "\",\"scopes\":[\"approver\"],\"accountId\":\"acc-"
							+ this.suffix + "\"}",
					Map.of())
				.body())
			.get("token")
			.asString();
		int checked = 0;
		for (Map.Entry<String, JsonNode> entry : operationNodes().entrySet()) {
			String operation = entry.getKey();
			if (operation.contains(" /webhooks/")
					|| !entry.getValue().at("/requestBody/content").has("application/json")) {
				continue;
			}
			String method = operation.substring(0, operation.indexOf(' '));
			String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1");
			String token = path.startsWith("/api/v1/approvals/") ? approver : ADMIN_TOKEN;
			HttpResponse<String> response = send(method, path, token, "{\"" + UNKNOWN + "\":1}", Map.of());
			assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(400);
			assertThat(json.readTree(response.body()).at("/errors/0/field").asString()).as(operation)
				.isEqualTo(UNKNOWN);
			assertDocumented(operation, response);
			checked++;
		}
		assertThat(checked).as("operations with a JSON body").isGreaterThanOrEqualTo(10);
	}

	@Test
	void theDocumentIsReadableAsPeopleMeetIt() {
		assertThat(this.document.toString()).doesNotContain("*/*").doesNotContain("Bearer <token>");
		Set<String> tags = new LinkedHashSet<>();
		this.document.path("tags").forEach((tag) -> tags.add(tag.path("name").asString()));
		assertThat(tags).contains("roles", "rules", "targets", "policy", "audit", "jobs", "webhooks")
			.noneMatch((tag) -> tag.contains("controller"));
		JsonNode jira = this.document.at("/paths/~1webhooks~1jira/post");
		assertThat(jira.path("security").isArray() && jira.path("security").isEmpty()).as("no bearer scheme").isTrue();
		assertThat(jira.path("parameters").valueStream().map((p) -> p.path("name").asString()))
			.contains("X-Hub-Signature", "X-Atlassian-Webhook-Identifier");
		assertThat(this.document.at("/paths/~1api~1v1~1rules/post/responses").has("201")).isTrue();
		assertThat(this.document.at("/paths/~1api~1v1~1rules~1{id}/delete/responses").has("204")).isTrue();
		assertThat(
				this.document.at("/paths/~1api~1v1~1rules/post/responses/400/content").has("application/problem+json"))
			.isTrue();
	}

	private HttpResponse<String> call(Map<String, List<HttpResponse<String>>> answers, String method, String template,
			String path, String body) {
		HttpResponse<String> response = send(method, path, ADMIN_TOKEN, body, Map.of());
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(500);
		answers.computeIfAbsent(method + " " + template, (k) -> new ArrayList<>()).add(response);
		return response;
	}

	private void assertDocumented(String operation, HttpResponse<String> response) {
		JsonNode responses = operationNodes().get(operation).path("responses");
		String status = Integer.toString(response.statusCode());
		assertThat(responses.has(status))
			.as("%s answered %s (%s), documented: %s", operation, status, response.body(), responses.propertyNames())
			.isTrue();
		String type = response.headers().firstValue("Content-Type").orElse(null);
		if (type != null && !response.body().isEmpty()) {
			String bare = type.split(";")[0].strip();
			assertThat(responses.path(status).path("content").has(bare))
				.as("%s %s answered as %s, documented: %s", operation, status, bare,
						responses.path(status).path("content").propertyNames())
				.isTrue();
		}
	}

	private Set<String> operations() {
		return operationNodes().keySet();
	}

	private Map<String, JsonNode> operationNodes() {
		Map<String, JsonNode> operations = new LinkedHashMap<>();
		this.document.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((method) -> {
			if (Set.of("get", "put", "post", "delete", "patch").contains(method.getKey())) {
				operations.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
			}
		}));
		return operations;
	}

	private static String sign(String secret, String body) {
		return HmacSignature.sign(secret, body.getBytes(StandardCharsets.UTF_8));
	}

	private HttpResponse<String> send(String method, String path, String token, String body,
			Map<String, String> headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			builder.header("Content-Type", "application/json");
		}
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		headers.forEach(builder::header);
		try {
			return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
