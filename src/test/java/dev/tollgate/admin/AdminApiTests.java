package dev.tollgate.admin;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.ApiClient;
import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API end to end: authorisation, validation, conflicts, versions,
 * policy-as-code, explain.
 */
class AdminApiTests extends IntegrationTest {

	private static final String EXPIRED_TOKEN = "tg_expired-token-for-tests";

	@Autowired
	private JdbcClient jdbc;

	private String suffix;

	@BeforeEach
	void names() {
		this.suffix = UUID.randomUUID().toString().substring(0, 8);
	}

	// Authorisation matrix

	record Call(String method, String path, String body) {

		@Override
		public String toString() {
			return this.method + " " + this.path;
		}

	}

	static Stream<Call> reads() {
		return Stream.of(new Call("GET", "/api/v1/roles", null), new Call("GET", "/api/v1/role-bindings", null),
				new Call("GET", "/api/v1/targets", null), new Call("GET", "/api/v1/rules", null),
				new Call("GET", "/api/v1/policy", null), new Call("GET", "/api/v1/audit", null),
				new Call("GET", "/api/v1/jobs", null), new Call("POST", "/api/v1/policy/explain",
						"{\"projectKey\":\"OPS\",\"toStatus\":\"Done\",\"actorAccountId\":\"x\"}"));
	}

	static Stream<Call> writes() {
		return Stream.of(new Call("POST", "/api/v1/roles", "{\"name\":\"matrix-role\"}"),
				new Call("PUT", "/api/v1/roles/matrix-role", "{\"name\":\"matrix-role\"}"),
				new Call("DELETE", "/api/v1/roles/matrix-role", null), new Call("POST", "/api/v1/role-bindings", "{}"),
				new Call("DELETE", "/api/v1/role-bindings/1", null), new Call("POST", "/api/v1/targets", "{}"),
				new Call("PUT", "/api/v1/targets/x", "{}"), new Call("DELETE", "/api/v1/targets/x", null),
				new Call("POST", "/api/v1/rules", "{}"), new Call("PUT", "/api/v1/rules/1", "{}"),
				new Call("DELETE", "/api/v1/rules/1", null), new Call("PUT", "/api/v1/policy?dryRun=true", "{}"),
				new Call("POST", "/api/v1/jobs/1/retry", null), new Call("GET", "/api/v1/tokens", null),
				new Call("POST", "/api/v1/tokens", "{}"), new Call("DELETE", "/api/v1/tokens/1", null));
	}

	static Stream<Call> all() {
		return Stream.concat(reads(), writes());
	}

	@ParameterizedTest(name = "{0} without a token is 401")
	@MethodSource("all")
	void withoutTokenIs401(Call call) {
		assertThat(call(api(null), call).statusCode()).isEqualTo(401);
	}

	@ParameterizedTest(name = "{0} with a bad token is 401")
	@MethodSource("all")
	void withBadTokenIs401(Call call) {
		assertThat(call(api("tg_not-a-real-token"), call).statusCode()).isEqualTo(401);
	}

	@ParameterizedTest(name = "{0} with an expired token is 401")
	@MethodSource("all")
	void withExpiredTokenIs401(Call call) throws Exception {
		this.jdbc.sql("""
				INSERT INTO tollgate.api_token (name, token_hash, scopes, expires_at)
				VALUES ('expired', :hash, '{admin}', now() - interval '1 minute') ON CONFLICT DO NOTHING
				""").param("hash", sha256(EXPIRED_TOKEN)).update();
		assertThat(call(api(EXPIRED_TOKEN), call).statusCode()).isEqualTo(401);
	}

	@ParameterizedTest(name = "auditor may {0}")
	@MethodSource("reads")
	void auditorMayRead(Call call) {
		assertThat(call(api(token("auditor", null)), call).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest(name = "auditor may not {0}")
	@MethodSource("writes")
	void auditorMayNotWrite(Call call) {
		assertThat(call(api(token("auditor", null)), call).statusCode()).isEqualTo(403);
	}

	@ParameterizedTest(name = "approver may not {0}")
	@MethodSource("all")
	void approverMayOnlyVote(Call call) {
		HttpResponse<String> response = call(api(token("approver", "acc-approver")), call);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@ParameterizedTest(name = "admin passes authorisation for {0}")
	@MethodSource("all")
	void adminPassesAuthorisation(Call call) {
		assertThat(call(api(), call).statusCode()).isNotIn(401, 403);
	}

	@Test
	void tokensAreShownOnceAndStoredHashed() throws Exception {
		HttpResponse<String> created = api().post("/api/v1/tokens",
				"{\"name\":\"ci-" + this.suffix + "\",\"scopes\":[\"auditor\"]}");
		assertThat(created.statusCode()).isEqualTo(201);
		String token = body(created).get("token").asString();
		assertThat(token).startsWith("tg_").hasSizeGreaterThan(40);
		HttpResponse<String> listed = api().get("/api/v1/tokens");
		assertThat(listed.body()).contains("ci-" + this.suffix).doesNotContain(token);
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.api_token WHERE token_hash = ?")
			.param(sha256(token))
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(api(token).get("/api/v1/roles").statusCode()).isEqualTo(200);
		long id = body(created).get("id").asLong();
		assertThat(api().delete("/api/v1/tokens/" + id).statusCode()).isEqualTo(204);
		assertThat(api(token).get("/api/v1/roles").statusCode()).isEqualTo(401);
	}

	@Test
	void theBootstrapNameIsReservedAndAuditEventsNameTokensByIdAndName() {
		for (String name : List.of("bootstrap", "BootStrap", " bootstrap ", "boot strap", "BOOT\\tSTRAP")) {
			HttpResponse<String> refused = api().post("/api/v1/tokens",
					"{\"name\":\"" + name + "\",\"scopes\":[\"admin\"]}");
			assertThat(refused.statusCode()).as(name).isEqualTo(422);
			assertThat(fields(refused)).as(name).containsExactly("name");
		}
		HttpResponse<String> created = api().post("/api/v1/tokens",
				"{\"name\":\"ops-" + this.suffix + "\",\"scopes\":[\"admin\"]}");
		assertThat(created.statusCode()).isEqualTo(201);
		long id = body(created).get("id").asLong();
		String role = "audited-" + this.suffix;
		assertThat(api(body(created).get("token").asString()).post("/api/v1/roles", "{\"name\":\"" + role + "\"}")
			.statusCode()).isEqualTo(201);
		JsonNode event = body(api().get("/api/v1/audit?type=POLICY_CHANGED&limit=200")).get("items")
			.valueStream()
			.filter((item) -> item.get("reason").asString().contains("'" + role + "'"))
			.findFirst()
			.orElseThrow();
		assertThat(event.get("reason").asString()).contains("ops-" + this.suffix + " (token " + id + ")");
		assertThat(event.get("details").get("changedBy").asString())
			.isEqualTo("ops-" + this.suffix + " (token " + id + ")");
	}

	@Test
	void approverTokenNeedsAnAccountId() {
		HttpResponse<String> response = api().post("/api/v1/tokens",
				"{\"name\":\"ap-" + this.suffix + "\",\"scopes\":[\"approver\"]}");
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(fields(response)).contains("accountId");
	}

	// Validation, conflicts, versions

	@Test
	void invalidRequestsListEachBadField() {
		HttpResponse<String> role = api().post("/api/v1/roles", "{\"name\":\"has spaces!\"}");
		assertThat(role.statusCode()).isEqualTo(400);
		assertThat(role.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(fields(role)).containsExactly("name");

		HttpResponse<String> rule = api().post("/api/v1/rules", "{\"projectKey\":\"OPS\",\"fromStatus\":\"*\"}");
		assertThat(rule.statusCode()).isEqualTo(400);
		assertThat(fields(rule)).containsExactlyInAnyOrder("name", "toStatus");

		HttpResponse<String> target = api().post("/api/v1/targets",
				"{\"name\":\"t-" + this.suffix + "\",\"kind\":\"GITHUB_ACTIONS\",\"credentialRef\":\"ghp_plaintext\"}");
		assertThat(target.statusCode()).isEqualTo(400);
		assertThat(fields(target)).containsExactly("credentialRef");

		HttpResponse<String> binding = api().post("/api/v1/role-bindings", "{\"role\":\"\",\"subjectType\":\"TEAM\"}");
		assertThat(binding.statusCode()).isEqualTo(400);

		// A null inside a list is a bad field too, not a 500.
		HttpResponse<String> explain = api().post("/api/v1/policy/explain",
				"{\"projectKey\":\"OPS\",\"toStatus\":\"Done\",\"actorGroups\":[null],\"actorProjectRoles\":[\"ok\",null]}");
		assertThat(explain.statusCode()).isEqualTo(400);
		assertThat(fields(explain)).containsExactlyInAnyOrder("actorGroups[0]", "actorProjectRoles[1]");
		HttpResponse<String> token = api().post("/api/v1/tokens",
				"{\"name\":\"n-" + this.suffix + "\",\"scopes\":[null]}");
		assertThat(token.statusCode()).isEqualTo(400);
		assertThat(fields(token)).containsExactly("scopes[0]");
	}

	@Test
	void kindSpecificFieldsAndTemplatesAreChecked() {
		HttpResponse<String> missing = api().post("/api/v1/targets", "{\"name\":\"gh-" + this.suffix
				+ "\",\"kind\":\"GITHUB_ACTIONS\",\"credentialRef\":\"env:GITHUB_TOKEN\"}");
		assertThat(missing.statusCode()).isEqualTo(422);
		assertThat(fields(missing)).contains("repository", "workflow", "ref");

		HttpResponse<String> template = api().post("/api/v1/targets", """
				{"name":"gh2-%s","kind":"GITHUB_ACTIONS","repository":"acme/shop","workflow":"deploy.yml","ref":"main",
				 "credentialRef":"env:GITHUB_TOKEN","inputs":{"issue":"{{issue.key}}","who":"{{actor.email}}"}}
				""".formatted(this.suffix));
		assertThat(template.statusCode()).isEqualTo(422);
		assertThat(fields(template)).containsExactly("inputs.who");
		assertThat(template.body()).contains("actor.email");
	}

	@Test
	void unknownReferencesAreRejected() {
		HttpResponse<String> binding = api().post("/api/v1/role-bindings",
				"{\"role\":\"nope-" + this.suffix + "\",\"subjectType\":\"USER\",\"subject\":\"acc\"}");
		assertThat(binding.statusCode()).isEqualTo(422);
		assertThat(fields(binding)).containsExactly("role");
		HttpResponse<String> rule = api().post("/api/v1/rules", """
				{"name":"r-%s","projectKey":"OPS","fromStatus":"*","toStatus":"Done",
				 "allowedRoles":["ghost-%s"],"target":"ghost-target"}
				""".formatted(this.suffix, this.suffix));
		assertThat(rule.statusCode()).isEqualTo(422);
		assertThat(fields(rule)).containsExactlyInAnyOrder("allowedRoles[0]", "target");
	}

	@Test
	void roleNamesInRulesAreStoredStrippedAndApprovalWindowsAreBounded() {
		String role = "sp-" + this.suffix;
		assertThat(api().post("/api/v1/roles", "{\"name\":\"" + role + "\"}").statusCode()).isEqualTo(201);
		HttpResponse<String> rule = api().post("/api/v1/rules", """
				{"name":"sp-%1$s","projectKey":"OPS","fromStatus":"*","toStatus":"Done","allowedRoles":[" %2$s"],
				 "approval":{"required":1,"approverRoles":["%2$s "]}}
				""".formatted(this.suffix, role));
		assertThat(rule.statusCode()).isEqualTo(201);
		assertThat(body(rule).get("allowedRoles").get(0).asString()).isEqualTo(role);
		assertThat(body(rule).get("approval").get("approverRoles").get(0).asString()).isEqualTo(role);
		// The rule names the role, so the role is in use.
		assertThat(api().delete("/api/v1/roles/" + role).statusCode()).isEqualTo(409);

		HttpResponse<String> forever = api().post("/api/v1/rules", """
				{"name":"long-%1$s","projectKey":"OPS","fromStatus":"*","toStatus":"Done","allowedRoles":["%2$s"],
				 "approval":{"required":1,"approverRoles":["%2$s"],"expiresAfter":"PT3000000000H"}}
				""".formatted(this.suffix, role));
		assertThat(forever.statusCode()).isEqualTo(422);
		assertThat(fields(forever)).containsExactly("approval.expiresAfter");
	}

	@Test
	void aDuplicateBindingConflictsAndIsStoredOnce() {
		String role = "bound-" + this.suffix;
		assertThat(api().post("/api/v1/roles", "{\"name\":\"" + role + "\"}").statusCode()).isEqualTo(201);
		String binding = "{\"role\":\"%s\",\"subjectType\":\"GROUP\",\"subject\":\"release-%s\",\"projectKey\":\"%s\"}";
		assertThat(api().post("/api/v1/role-bindings", binding.formatted(role, this.suffix, "OPS")).statusCode())
			.isEqualTo(201);

		HttpResponse<String> again = api().post("/api/v1/role-bindings", binding.formatted(role, this.suffix, "ops"));

		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(api().get("/api/v1/role-bindings").body().split("release-" + this.suffix, -1)).hasSize(2);
	}

	@Test
	void duplicateNamesConflict() {
		String role = "{\"name\":\"dup-" + this.suffix + "\"}";
		assertThat(api().post("/api/v1/roles", role).statusCode()).isEqualTo(201);
		HttpResponse<String> again = api().post("/api/v1/roles", role.toUpperCase(Locale.ROOT).replace("NAME", "name"));
		assertThat(again.statusCode()).isEqualTo(409);
	}

	@Test
	void staleIfMatchIsRefused() {
		String name = "ver-" + this.suffix;
		api().post("/api/v1/roles", "{\"name\":\"" + name + "\",\"description\":\"one\"}");
		HttpResponse<String> read = api().get("/api/v1/roles/" + name);
		String etag = read.headers().firstValue("ETag").orElseThrow();
		HttpResponse<String> update = api().put("/api/v1/roles/" + name,
				"{\"name\":\"" + name + "\",\"description\":\"two\"}", "application/json", etag);
		assertThat(update.statusCode()).isEqualTo(200);
		assertThat(update.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
		HttpResponse<String> stale = api().put("/api/v1/roles/" + name,
				"{\"name\":\"" + name + "\",\"description\":\"three\"}", "application/json", etag);
		assertThat(stale.statusCode()).isEqualTo(412);
		assertThat(api().delete("/api/v1/roles/" + name, etag).statusCode()).isEqualTo(412);
		assertThat(body(api().get("/api/v1/roles/" + name)).get("description").asString()).isEqualTo("two");
	}

	@Test
	void aRoleInUseCannotBeDeleted() {
		String role = "used-" + this.suffix;
		api().post("/api/v1/roles", "{\"name\":\"" + role + "\"}");
		api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"acc-1\"}");
		assertThat(api().delete("/api/v1/roles/" + role).statusCode()).isEqualTo(409);
	}

	@Test
	void everyMutationIsAuditedAsPolicyChanged() {
		String role = "audited-" + this.suffix;
		long before = policyChanges();
		assertThat(api().post("/api/v1/roles", "{\"name\":\"" + role + "\"}").statusCode()).isEqualTo(201);
		assertThat(api().put("/api/v1/roles/" + role, "{\"name\":\"" + role + "\",\"description\":\"d\"}").statusCode())
			.isEqualTo(200);
		HttpResponse<String> binding = api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"GROUP\",\"subject\":\"ops\"}");
		assertThat(binding.statusCode()).isEqualTo(201);
		assertThat(
				api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}").statusCode())
			.isEqualTo(201);
		HttpResponse<String> rule = api().post("/api/v1/rules", """
				{"name":"audited-%1$s","projectKey":"AUD","fromStatus":"*","toStatus":"Done",
				 "allowedRoles":["%2$s"],"target":"noop-%1$s"}""".formatted(this.suffix, role));
		assertThat(rule.statusCode()).isEqualTo(201);
		long ruleId = body(rule).get("id").asLong();
		assertThat(api().delete("/api/v1/rules/" + ruleId).statusCode()).isEqualTo(204);
		assertThat(api().delete("/api/v1/targets/noop-" + this.suffix).statusCode()).isEqualTo(204);
		assertThat(api().delete("/api/v1/role-bindings/" + body(binding).get("id").asLong()).statusCode())
			.isEqualTo(204);
		assertThat(api().delete("/api/v1/roles/" + role).statusCode()).isEqualTo(204);
		assertThat(policyChanges() - before).isEqualTo(9);
		JsonNode latest = body(api().get("/api/v1/audit?type=POLICY_CHANGED&limit=1")).get("items").get(0);
		assertThat(latest.get("reason").asString()).contains("bootstrap").contains(role);
		assertThat(latest.get("details").get("before").get("name").asString()).isEqualTo(role);
		assertThat(latest.get("details").get("after").isNull()).isTrue();
	}

	// Policy as code and explain

	@Test
	void yamlExportAppliedAsDryRunChangesNothing() {
		String role = "yaml-" + this.suffix;
		api().post("/api/v1/roles", "{\"name\":\"" + role + "\",\"description\":\"ÄÖÜ: quoted 'text'\"}");
		api().post("/api/v1/targets", "{\"name\":\"y-" + this.suffix + "\",\"kind\":\"NOOP\"}");
		api().post("/api/v1/rules", """
				{"name":"yaml %1$s","projectKey":"YML","issueTypes":["Story"],"fromStatus":"*","toStatus":"Done",
				 "allowedRoles":["%2$s"],"target":"y-%1$s",
				 "approval":{"required":2,"approverRoles":["%2$s"],"expiresAfter":"PT24H"}}""".formatted(this.suffix,
				role));
		HttpResponse<String> yaml = api().get("/api/v1/policy", "application/yaml");
		assertThat(yaml.statusCode()).isEqualTo(200);
		assertThat(yaml.body()).contains(role).contains("PT24H");
		HttpResponse<String> dryRun = api().put("/api/v1/policy?dryRun=true", yaml.body(), "application/yaml", null);
		assertThat(dryRun.statusCode()).isEqualTo(200);
		assertThat(body(dryRun).get("changes").size()).isZero();
		HttpResponse<String> json = api().get("/api/v1/policy", "application/json");
		HttpResponse<String> jsonDryRun = api().put("/api/v1/policy?dryRun=true", json.body(), "application/json",
				null);
		assertThat(body(jsonDryRun).get("changes").size()).isZero();
	}

	@Test
	void dryRunReportsTheDiffWithoutApplying() {
		JsonNode policy = body(api().get("/api/v1/policy"));
		((tools.jackson.databind.node.ArrayNode) policy.get("roles")).addObject().put("name", "new-" + this.suffix);
		String document = policy.toString();
		long before = policyChanges();
		HttpResponse<String> dryRun = api().put("/api/v1/policy?dryRun=true", document);
		assertThat(dryRun.statusCode()).isEqualTo(200);
		assertThat(body(dryRun).get("changes").toString()).contains("new-" + this.suffix).contains("CREATE");
		assertThat(api().get("/api/v1/roles/new-" + this.suffix).statusCode()).isEqualTo(404);
		assertThat(policyChanges()).isEqualTo(before);
	}

	@Test
	void applyingADocumentCreatesWhatIsMissing() {
		JsonNode policy = body(api().get("/api/v1/policy"));
		((tools.jackson.databind.node.ArrayNode) policy.get("roles")).addObject().put("name", "applied-" + this.suffix);
		String document = policy.toString();
		HttpResponse<String> applied = api().put("/api/v1/policy", document);
		assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
		assertThat(api().get("/api/v1/roles/applied-" + this.suffix).statusCode()).isEqualTo(200);
		assertThat(body(api().put("/api/v1/policy?dryRun=true", document)).get("changes").size()).isZero();
	}

	@Test
	void aDocumentWithBrokenReferencesIsRejectedWhole() {
		String document = """
				{"roles":[],"bindings":[{"role":"ghost","subjectType":"USER","subject":"a"}],"targets":[],
				 "rules":[{"name":"r","projectKey":"X","fromStatus":"*","toStatus":"Y","allowedRoles":["ghost"],"target":"t"}]}""";
		HttpResponse<String> response = api().put("/api/v1/policy", document);
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(fields(response)).contains("bindings[0].role", "rules[0].allowedRoles[0]", "rules[0].target");
	}

	@Test
	void explainHasNoSideEffects() {
		String role = "rm-" + this.suffix;
		String project = ("E" + this.suffix.replaceAll("[^a-z]", "")).toUpperCase(Locale.ROOT);
		api().post("/api/v1/roles", "{\"name\":\"" + role + "\"}");
		api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"GROUP\",\"subject\":\"Release-Managers\"}");
		api().post("/api/v1/targets", "{\"name\":\"e-" + this.suffix + "\",\"kind\":\"NOOP\"}");
		api().post("/api/v1/rules", """
				{"name":"explain %1$s","projectKey":"%3$s","fromStatus":"*","toStatus":"Ready for Production",
				 "allowedRoles":["%2$s"],"target":"e-%1$s"}""".formatted(this.suffix, role, project));
		long auditBefore = auditCount(project);
		long jobsBefore = jobCount(project);
		String request = """
				{"projectKey":"%s","issueType":"Story","fromStatus":"In Progress","toStatus":"ready for production",
				 "actorAccountId":"acc-1","actorGroups":["release-managers"]}""".formatted(project);
		JsonNode allowed = body(api().post("/api/v1/policy/explain", request));
		assertThat(allowed.get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(allowed.get("actorRoles").toString()).contains(role);
		assertThat(allowed.get("matchedRules").get(0).get("name").asString()).isEqualTo("explain " + this.suffix);
		JsonNode denied = body(api().post("/api/v1/policy/explain", request.replace("release-managers", "devs")));
		assertThat(denied.get("outcome").asString()).isEqualTo("DENIED");
		assertThat(denied.get("reason").asString()).contains("lacks role " + role);
		JsonNode ignored = body(
				api().post("/api/v1/policy/explain", request.replace("ready for production", "Closed")));
		assertThat(ignored.get("outcome").asString()).isEqualTo("IGNORED");
		assertThat(auditCount(project)).isEqualTo(auditBefore);
		assertThat(jobCount(project)).isEqualTo(jobsBefore);
	}

	@Test
	void oversizedBodiesAreRefused() {
		String huge = "{\"name\":\"big\",\"description\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
		HttpResponse<String> response = api().post("/api/v1/roles", huge);
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(api().get("/api/v1/roles/big").statusCode()).isEqualTo(404);
	}

	@Test
	void theOpenApiDocumentIsPublic() {
		HttpResponse<String> docs = api(null).get("/v3/api-docs");
		assertThat(docs.statusCode()).isEqualTo(200);
		assertThat(docs.body()).contains("/api/v1/rules").contains("bearer");
	}

	private HttpResponse<String> call(ApiClient client, Call call) {
		return switch (call.method()) {
			case "GET" -> client.get(call.path());
			case "POST" -> client.post(call.path(), (call.body() != null) ? call.body() : "");
			case "PUT" -> client.put(call.path(), call.body());
			case "DELETE" -> client.delete(call.path());
			default -> throw new IllegalArgumentException(call.method());
		};
	}

	private String token(String scope, String accountId) {
		HttpResponse<String> created = api().post("/api/v1/tokens",
				"{\"name\":\"" + scope + "-" + UUID.randomUUID() + "\",\"scopes\":[\"" + scope + "\"]"
						+ ((accountId != null) ? ",\"accountId\":\"" + accountId + "\"" : "") + ",\"expiresAt\":\""
						+ Instant.now().plusSeconds(600) + "\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		return body(created).get("token").asString();
	}

	private static List<String> fields(HttpResponse<String> response) {
		return body(response).get("errors").valueStream().map((error) -> error.get("field").asString()).toList();
	}

	private long policyChanges() {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE type = 'POLICY_CHANGED'")
			.query(Long.class)
			.single();
	}

	// Scoped to the test's own project: the shared test database has job workers of other
	// test
	// classes' contexts finishing their jobs (and writing audit events) at any time.
	private long auditCount(String project) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.audit_event WHERE project_key = :project")
			.param("project", project)
			.query(Long.class)
			.single();
	}

	private long jobCount(String project) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.job WHERE strpos(payload::text, :project) > 0")
			.param("project", project)
			.query(Long.class)
			.single();
	}

	private static String sha256(String value) throws Exception {
		return HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
	}

}
