package dev.tollgate.evaluation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.support.JiraStub;
import dev.tollgate.support.JiraPayloads;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tollgate.support.ApiClient.body;
import static dev.tollgate.support.ApiClient.created;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transition gated on a {@code PROJECT_ROLE} binding, against a Jira that answers the
 * role endpoints as Atlassian documents them: 404 (or 401) when Tollgate's account lacks
 * Administer Projects although the project exists, and 404 when the project is gone.
 */
class ProjectRoleDenialTests extends DeliveryFlowTest {

	private static final WireMockServer jira = JiraStub.start();

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Jira's answer when the account may not administer the project. */
	private static final String NOT_FOUND = """
			{"errorMessages":["No project could be found with key '%s'."],"errors":{}}""";

	private String project;

	private String role;

	private String suffix;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		JiraStub.register(registry, jira);
		registry.add("tollgate.jobs.max-attempts", () -> "3");
		registry.add("tollgate.jobs.backoff-initial", () -> "100ms");
		registry.add("tollgate.jobs.backoff-max", () -> "200ms");
		registry.add("tollgate.comments.enabled", () -> "false");
		registry.add("management.endpoint.health.show-details", () -> "always");
	}

	@AfterAll
	static void stopJira() {
		jira.stop();
	}

	@BeforeEach
	void policy() {
		this.suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.project = JiraPayloads.projectKey('R', this.suffix);
		this.role = "release-manager-" + this.suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"" + this.role + "\"}"));
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + this.role
						+ "\",\"subjectType\":\"PROJECT_ROLE\",\"subject\":\"Release Managers\",\"projectKey\":\""
						+ this.project + "\"}"));
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + this.suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules", """
				{"name":"prod deploy %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Ready for Production",
				 "allowedRoles":["%3$s"],"target":"noop-%1$s","revertOnDeny":true}""".formatted(this.suffix,
				this.project, this.role)));
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/user/groups")).willReturn(okJson("[]")));
	}

	@Test
	void aDeniedRoleLookupIsRetriedNeverDeniedAndTheMissingPermissionAudited() {
		String actor = "acc-rm-" + this.suffix;
		projectExists();
		jira.stubFor(get(roles()).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(NOT_FOUND.formatted(this.project))));
		String delivery = send(actor);

		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("ERROR");
		assertThat(decision.get("reason").asString()).contains("Administer Projects").contains(this.project);
		assertThat(events(delivery, "DECISION")).hasSize(1);
		assertThat(attempts(delivery)).isEqualTo(3);
		assertThat(jobs(delivery, "REVERT")).isZero();
		// Every attempt asked Jira again: the denial was never cached as "no roles".
		jira.verify(3, getRequestedFor(urlPathEqualTo(roles())));
		assertThat(scrape()).containsPattern("tollgate_jira_project_roles_denied\\{[^}]*\\} [1-9]");
		JsonNode health = json.readTree(http("/actuator/health/jira").body());
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.at("/details/missingPermission").asString()).isEqualTo("Administer Projects");
		assertThat(health.at("/details/deniedProjects").has(this.project)).isTrue();
	}

	@Test
	void a401ForAProjectThatExistsIsTheSameMissingPermission() {
		projectExists();
		jira.stubFor(get(roles()).willReturn(aResponse().withStatus(401)));
		String delivery = send("acc-rm-" + this.suffix);
		assertThat(decision(delivery).get("reason").asString()).contains("Administer Projects");
	}

	@Test
	void onceThePermissionIsGrantedTheRetryDecidesWithTheRealRoles() {
		String actor = "acc-rm-" + this.suffix;
		projectExists();
		jira.stubFor(get(roles()).inScenario(this.project)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(404).withBody(NOT_FOUND.formatted(this.project)))
			.willSetStateTo("granted"));
		jira.stubFor(get(roles()).inScenario(this.project)
			.whenScenarioStateIs("granted")
			.willReturn(okJson(
					"{\"Release Managers\":\"https://acme.atlassian.net/rest/api/3/project/10000/role/10003\"}")));
		jira.stubFor(get(roles() + "/10003").willReturn(okJson("""
				{"id":10003,"name":"Release Managers","actors":[
				  {"type":"atlassian-user-role-actor","actorUser":{"accountId":"%s"}}]}""".formatted(actor))));
		String delivery = send(actor);

		assertThat(decision(delivery).get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(attempts(delivery)).isEqualTo(2);
		JsonNode health = json.readTree(http("/actuator/health/jira").body());
		assertThat(health.at("/details/deniedProjects").has(this.project)).isFalse();
	}

	@Test
	void aProjectThatIsGoneHasNoRolesAsBefore() {
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/project/" + this.project)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(NOT_FOUND.formatted(this.project))));
		jira.stubFor(get(roles()).willReturn(aResponse().withStatus(404).withBody(NOT_FOUND.formatted(this.project))));
		String delivery = send("acc-rm-" + this.suffix);

		JsonNode decision = decision(delivery);
		assertThat(decision.get("outcome").asString()).isEqualTo("DENIED");
		assertThat(attempts(delivery)).isEqualTo(1);
	}

	private void projectExists() {
		jira.stubFor(get(urlPathEqualTo("/rest/api/3/project/" + this.project)).willReturn(okJson("""
				{"id":"10000","key":"%s","name":"Release train","projectTypeKey":"software"}"""
			.formatted(this.project))));
	}

	private String roles() {
		return "/rest/api/3/project/" + this.project + "/role";
	}

	private String send(String actor) {
		String delivery = UUID.randomUUID().toString();
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, Long.MAX_VALUE));
		HttpResponse<String> response = webhooks().send(
				JiraPayloads.transition(id, id, this.project, actor, "In Progress", "Ready for Production"), delivery);
		assertThat(response.statusCode()).isEqualTo(202);
		return delivery;
	}

	private String scrape() {
		return http("/actuator/prometheus").body();
	}

	private HttpResponse<String> http(String path) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
						HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
