package dev.tollgate.console;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static dev.tollgate.support.ApiClient.created;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sign-in with OpenID Connect against a real provider on loopback (mock-oauth2-server:
 * discovery, authorization code, token endpoint, signed ID tokens): the code flow with
 * PKCE, scopes from the group claim, an unmapped person refused, and an approver voting
 * as the Jira account id from the claim.
 */
@TestPropertySource(properties = { "tollgate.console.oidc.client-id=tollgate-console",
		"tollgate.console.oidc.client-secret=console-secret",
		"tollgate.console.oidc.scope-mapping=admin=platform-admins,auditor=auditors,approver=release-approvers" })
class ConsoleOidcTests extends IntegrationTest {

	private static final com.github.tomakehurst.wiremock.WireMockServer jira = ConsoleJira.start("Production");

	@org.springframework.test.context.DynamicPropertySource
	static void jira(org.springframework.test.context.DynamicPropertyRegistry registry) {
		dev.tollgate.support.JiraStub.register(registry, jira);
	}

	@AfterAll
	static void stopJira() {
		jira.stop();
	}

	private static final MockOAuth2Server idp = start();

	private static MockOAuth2Server start() {
		MockOAuth2Server server = new MockOAuth2Server();
		server.start(InetAddress.getLoopbackAddress(), 0);
		return server;
	}

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		registry.add("tollgate.console.oidc.issuer-uri", () -> idp.issuerUrl("corp").toString());
	}

	@AfterAll
	static void stop() {
		idp.shutdown();
	}

	@Test
	void theCodeFlowUsesPkceAndMapsGroupsToScopes() {
		ConsoleSession session = new ConsoleSession(this.port);
		HttpResponse<String> authorize = session.get("/console/oauth2/authorization/tollgate");
		assertThat(authorize.statusCode()).isEqualTo(302);
		URI location = URI.create(authorize.headers().firstValue("Location").orElseThrow());
		assertThat(location.getQuery()).contains("code_challenge=", "code_challenge_method=S256",
				"client_id=tollgate-console", "response_type=code");
		idp.enqueueCallback(user("alice", List.of("/platform-admins", "staff"), null));
		HttpResponse<String> landed = session.follow(location.toString());
		assertThat(landed.statusCode()).isEqualTo(200);
		assertThat(landed.uri().getPath()).isEqualTo("/console/approvals");
		assertThat(landed.body()).contains("Signed in as <strong>alice</strong>", "(<span>admin</span>");
		assertThat(session.get("/console/jobs").statusCode()).isEqualTo(200);
	}

	@Test
	void someoneWithNoMappedGroupIsRefused() {
		ConsoleSession session = new ConsoleSession(this.port);
		idp.enqueueCallback(user("mallory", List.of("marketing"), null));
		HttpResponse<String> landed = session.follow("/console/oauth2/authorization/tollgate");
		assertThat(landed.uri().toString()).endsWith("/console/sign-in?error=unmapped");
		assertThat(landed.body()).contains("none of your groups grants a Tollgate scope");
		assertThat(session.get("/console/approvals").statusCode()).isEqualTo(302);
	}

	@Test
	void anAuditorGroupGrantsReadingButNotVoting() {
		ConsoleSession session = new ConsoleSession(this.port);
		idp.enqueueCallback(user("ada", List.of("auditors"), "acc-ada"));
		session.follow("/console/oauth2/authorization/tollgate");
		assertThat(session.get("/console/audit").statusCode()).isEqualTo(200);
		assertThat(session.post("/console/approvals/1/vote", Map.of("decision", "approve")).statusCode())
			.isEqualTo(403);
	}

	@Test
	void anApproverVotesAsTheJiraAccountFromTheClaim() {
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		String project = JiraPayloads.projectKey('O', suffix);
		String account = "acc-oidc-" + suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"rm-" + suffix + "\"}"));
		created(api().post("/api/v1/roles", "{\"name\":\"ap-" + suffix + "\"}"));
		bind("rm-" + suffix, "acc-mover-" + suffix);
		bind("ap-" + suffix, account);
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"gate %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Production",
				 "allowedRoles":["rm-%1$s"],"target":"noop-%1$s",
				 "approval":{"required":1,"approverRoles":["ap-%1$s"],"separationOfDuties":true}}""".formatted(suffix,
				project)));
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		webhooks().send(JiraPayloads.transition(id, id, project, "acc-mover-" + suffix, "Staging", "Production"),
				UUID.randomUUID().toString());
		String key = project + "-" + id;
		await().atMost(Duration.ofSeconds(20)).until(() -> request(key) != null);
		long requestId = request(key).get("id").asLong();

		ConsoleSession session = new ConsoleSession(this.port);
		idp.enqueueCallback(user("grace", List.of("release-approvers"), account));
		assertThat(session.follow("/console/oauth2/authorization/tollgate").body())
			.contains("votes as <code>" + account);
		session.get("/console/approvals/" + requestId);
		assertThat(
				session.post("/console/approvals/" + requestId + "/vote", Map.of("decision", "approve")).statusCode())
			.isEqualTo(302);
		await().atMost(Duration.ofSeconds(20)).until(() -> "GRANTED".equals(request(key).get("status").asString()));
		var vote = request(key).get("votes").get(0);
		assertThat(vote.get("voter").asString()).isEqualTo(account);
		assertThat(vote.get("source").asString()).isEqualTo("CONSOLE");
	}

	@Test
	void withAProviderConfiguredTheTokenFormIsOff() {
		ConsoleSession session = new ConsoleSession(this.port);
		HttpResponse<String> page = session.get(ConsoleSecurityConfiguration.SIGN_IN);
		assertThat(page.body()).contains("Sign in with single sign-on").doesNotContain("name=\"token\"");
		session.post(ConsoleSecurityConfiguration.SIGN_IN, Map.of("token", ADMIN_TOKEN));
		assertThat(session.get("/console/approvals").statusCode()).isEqualTo(302);
	}

	private static DefaultOAuth2TokenCallback user(String name, List<String> groups, String accountId) {
		Map<String, Object> claims = new java.util.HashMap<>(Map.of("preferred_username", name, "groups", groups));
		if (accountId != null) {
			claims.put("jira_account_id", accountId);
		}
		return new DefaultOAuth2TokenCallback("corp", name, "JWT", List.of("tollgate-console"), claims, 3600);
	}

	private tools.jackson.databind.JsonNode request(String key) {
		return body(api().get("/api/v1/approvals?limit=500")).get("items")
			.valueStream()
			.filter((r) -> key.equals(r.get("issueKey").asString()))
			.findFirst()
			.orElse(null);
	}

	private void bind(String role, String subject) {
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"" + subject + "\"}"));
	}

}
