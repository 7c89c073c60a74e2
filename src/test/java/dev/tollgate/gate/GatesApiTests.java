package dev.tollgate.gate;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;

import static dev.tollgate.support.ApiClient.created;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/gates}: gates are policy, checked on save (422 naming the field),
 * versioned, audited as {@code POLICY_CHANGED}, part of the policy document, and
 * explained when an explain request names an environment.
 */
class GatesApiTests extends IntegrationTest {

	private String suffix;

	@BeforeEach
	void setUp() {
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		created(api().post("/api/v1/targets", """
				{"name":"app-%s","kind":"GITHUB_ACTIONS","repository":"acme/shop","workflow":"deploy.yml","ref":"main",
				 "credentialRef":"env:GH_APP_KEY","auth":"APP","appId":"1","installationId":"2"}"""
			.formatted(this.suffix)));
		created(api().post("/api/v1/targets", """
				{"name":"pat-%s","kind":"GITHUB_ACTIONS","repository":"acme/shop","workflow":"deploy.yml","ref":"main",
				 "credentialRef":"env:GH_TOKEN"}""".formatted(this.suffix)));
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
	}

	@Test
	void aGateIsCreatedReadUpdatedAndDeletedWithDefaultsAndEveryChangeAudited() {
		HttpResponse<String> created = api().post("/api/v1/gates", """
				{"name":"prod-%1$s","target":"app-%1$s","environment":"production"}""".formatted(this.suffix));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/gates/prod-" + this.suffix);
		JsonNode gate = body(created);
		assertThat(gate.get("issueKeyPattern").asString()).isEqualTo("[A-Z][A-Z0-9_]+-[0-9]+");
		assertThat(gate.get("waitFor").asString()).isEqualTo("PT24H");
		assertThat(gate.get("mode").asString()).isEqualTo("ENFORCE");
		assertThat(gate.get("comment").asBoolean()).isTrue();
		assertThat(gate.get("enabled").asBoolean()).isTrue();
		assertThat(gate.get("linkedIssues").asBoolean()).isFalse();

		HttpResponse<String> read = api().get("/api/v1/gates/PROD-" + this.suffix);
		assertThat(read.statusCode()).isEqualTo(200);
		String etag = read.headers().firstValue("ETag").orElseThrow();
		assertThat(body(api().get("/api/v1/gates")).get("items").toString()).contains("prod-" + this.suffix);

		String update = """
				{"name":"prod-%1$s","target":"app-%1$s","environment":"*","linkedIssues":true,
				 "issueStatuses":["Ready for Production"],"waitFor":"PT1H"}""".formatted(this.suffix);
		assertThat(api().put("/api/v1/gates/prod-" + this.suffix, update, "application/json", "\"999\"").statusCode())
			.isEqualTo(412);
		HttpResponse<String> updated = api().put("/api/v1/gates/prod-" + this.suffix, update, "application/json", etag);
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
		assertThat(body(updated).get("waitFor").asString()).isEqualTo("PT1H");

		assertThat(api().delete("/api/v1/targets/app-" + this.suffix).statusCode()).isEqualTo(409);
		assertThat(api().delete("/api/v1/gates/prod-" + this.suffix).statusCode()).isEqualTo(204);
		assertThat(api().get("/api/v1/gates/prod-" + this.suffix).statusCode()).isEqualTo(404);

		List<String> actions = body(api().get("/api/v1/audit?type=POLICY_CHANGED&limit=500")).get("items")
			.valueStream()
			.filter((e) -> "gate".equals(e.get("details").path("resource").asString(""))
					&& ("prod-" + this.suffix).equals(e.get("details").path("name").asString("")))
			.map((e) -> e.get("outcome").asString())
			.toList();
		assertThat(actions).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
	}

	@Test
	void aGateThatCannotBeAnsweredIsRefusedNamingTheField() {
		assertProblem("{\"name\":\"g1-%1$s\",\"target\":\"noop-%1$s\",\"environment\":\"prod\"}", "target",
				"cannot gate");
		assertProblem("{\"name\":\"g2-%1$s\",\"target\":\"pat-%1$s\",\"environment\":\"prod\"}", "target", "APP");
		assertProblem("{\"name\":\"g3-%1$s\",\"target\":\"ghost-%1$s\",\"environment\":\"prod\"}", "target",
				"no target named");
		assertProblem(
				"{\"name\":\"g4-%1$s\",\"target\":\"app-%1$s\",\"environment\":\"prod\",\"issueKeyPattern\":\"[\"}",
				"issueKeyPattern", "regular expression");
		assertProblem("{\"name\":\"g5-%1$s\",\"target\":\"app-%1$s\",\"environment\":\"prod\",\"waitFor\":\"P60D\"}",
				"waitFor", "30 days");
		assertProblem("{\"name\":\"g6-%1$s\",\"target\":\"app-%1$s\",\"environment\":\"prod\",\"linkedIssues\":true}",
				"issueStatuses", "at least one status");
		assertProblem("{\"name\":\"Reviews\",\"target\":\"app-%1$s\",\"environment\":\"prod\"}", "name", "reserved");
		HttpResponse<String> missing = api().post("/api/v1/gates", "{\"name\":\"g7-" + this.suffix + "\"}");
		assertThat(missing.statusCode()).isIn(400, 422);
		assertThat(missing.body()).contains("target").contains("environment");
		HttpResponse<String> unknown = api().post("/api/v1/gates", """
				{"name":"g8-%1$s","target":"app-%1$s","environment":"prod","approvers":["x"]}"""
			.formatted(this.suffix));
		assertThat(unknown.statusCode()).isIn(400, 422);
		assertThat(unknown.body()).contains("approvers");
		assertThat(body(api().get("/api/v1/gates")).get("items").toString()).doesNotContain("g1-" + this.suffix);
	}

	@Test
	void gatesArePartOfThePolicyDocument() {
		created(api().post("/api/v1/gates", """
				{"name":"doc-%1$s","target":"app-%1$s","environment":"production"}""".formatted(this.suffix)));
		JsonNode policy = body(api().get("/api/v1/policy"));
		assertThat(policy.get("gates").toString()).contains("doc-" + this.suffix);
		// This test's own part of the document: the shared database holds other tests'
		// targets, which this context's settings would refuse.
		tools.jackson.databind.node.ObjectNode own = ((tools.jackson.databind.node.ObjectNode) policy).deepCopy();
		own.set("targets", mine(policy.get("targets")));
		own.set("gates", mine(policy.get("gates")));
		own.putArray("rules");
		HttpResponse<String> unchanged = api().put("/api/v1/policy?dryRun=true", own.toString());
		assertThat(unchanged.statusCode()).as(unchanged.body()).isEqualTo(200);
		assertThat(body(unchanged).get("changes")
			.valueStream()
			.filter((c) -> c.get("name").asString().endsWith(this.suffix))).isEmpty();

		String broken = own.toString()
			.replace("\"target\":\"app-" + this.suffix + "\"", "\"target\":\"noop-" + this.suffix + "\"");
		HttpResponse<String> rejected = api().put("/api/v1/policy", broken);
		assertThat(rejected.statusCode()).isEqualTo(422);
		assertThat(rejected.body()).contains("gates[0].target");
	}

	private tools.jackson.databind.node.ArrayNode mine(JsonNode items) {
		tools.jackson.databind.node.ArrayNode kept = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.createArrayNode();
		items.valueStream().filter((item) -> item.get("name").asString().endsWith(this.suffix)).forEach(kept::add);
		return kept;
	}

	@Test
	void explainNamingAnEnvironmentSaysWhatItsGatesWouldAnswer() {
		String project = ("X" + this.suffix.replaceAll("[^a-z]", "")).toUpperCase(java.util.Locale.ROOT);
		created(api().post("/api/v1/roles", "{\"name\":\"rm-" + this.suffix + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"rm-" + this.suffix + "\",\"subjectType\":\"USER\",\"subject\":\"acc-rm\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"ship %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Ready",
				 "allowedRoles":["rm-%1$s"],"target":"app-%1$s"}""".formatted(this.suffix, project)));
		created(api().post("/api/v1/gates", """
				{"name":"ex-%1$s","target":"app-%1$s","environment":"production","linkedIssues":true,
				 "issueStatuses":["Ready"]}""".formatted(this.suffix)));
		String request = """
				{"projectKey":"%s","toStatus":"Ready","actorAccountId":"%s","environment":"production"}""";
		JsonNode allowed = gateAnswer(body(api().post("/api/v1/policy/explain", request.formatted(project, "acc-rm"))));
		assertThat(allowed.get("tollgateRun").asString()).isEqualTo("APPROVED");
		assertThat(allowed.get("linkedRun").asString()).isEqualTo("APPROVED");
		JsonNode denied = gateAnswer(
				body(api().post("/api/v1/policy/explain", request.formatted(project, "acc-stranger"))));
		assertThat(denied.get("tollgateRun").asString()).isEqualTo("REJECTED");
		JsonNode noEnvironment = body(api().post("/api/v1/policy/explain",
				"{\"projectKey\":\"" + project + "\",\"toStatus\":\"Ready\",\"actorAccountId\":\"acc-rm\"}"));
		assertThat(noEnvironment.has("gates") && !noEnvironment.get("gates").isNull()).isFalse();
	}

	@Test
	void reviewsAreListedByStatusAndABadStatusIsNamed() {
		assertThat(api().get("/api/v1/gates/reviews?status=WAITING").statusCode()).isEqualTo(200);
		assertThat(body(api().get("/api/v1/gates/reviews")).has("items")).isTrue();
		HttpResponse<String> bad = api().get("/api/v1/gates/reviews?status=MAYBE");
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.body()).contains("status");
	}

	private JsonNode gateAnswer(JsonNode explained) {
		return explained.get("gates")
			.valueStream()
			.filter((g) -> g.get("name").asString().equals("ex-" + this.suffix))
			.findFirst()
			.orElseThrow();
	}

	private void assertProblem(String template, String field, String message) {
		HttpResponse<String> response = api().post("/api/v1/gates", template.formatted(this.suffix));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		JsonNode errors = body(response).get("errors");
		assertThat(errors.valueStream()
			.anyMatch((e) -> e.get("field").asString().equals(field) && e.get("message").asString().contains(message)))
			.as(response.body())
			.isTrue();
	}

}
