package dev.tollgate.identity;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tollgate.jira.JiraClient;
import dev.tollgate.jira.JiraClients;
import dev.tollgate.jira.JiraUnavailable;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JiraIdentityTests {

	private static final WireMockServer jira = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final String GROUPS = "/rest/api/3/user/groups";

	private static final String ROLES = "/rest/api/3/project/OPS/role";

	private JiraClient client;

	private JiraIdentity identity;

	@BeforeAll
	static void start() {
		jira.start();
	}

	@AfterAll
	static void stop() {
		jira.stop();
	}

	@BeforeEach
	void setUp() {
		jira.resetAll();
		this.client = JiraClients.forStub("http://127.0.0.1:" + jira.port());
		this.identity = new JiraIdentity(new IdentityProperties(Duration.ofMinutes(5)), this.client);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.client.destroy();
	}

	@Test
	void groupsOfAnActor() {
		stubGroups("acc-ada", "ops-deployers", "jira-software-users");
		assertThat(this.identity.groupsOf("acc-ada")).containsExactlyInAnyOrder("ops-deployers", "jira-software-users");
	}

	@Test
	void unknownActorHasNoGroups() {
		jira.stubFor(get(urlPathEqualTo(GROUPS)).willReturn(aResponse().withStatus(404)));
		assertThat(this.identity.groupsOf("acc-gone")).isEmpty();
	}

	@Test
	void projectRolesHeldDirectlyAndThroughAGroup() {
		stubOpsRoles();
		stubGroups("acc-ada", "jira-software-users");
		stubGroups("acc-bob", "Release-Team", "jira-software-users");
		stubGroups("acc-eve", "jira-software-users");
		assertThat(this.identity.projectRolesOf("OPS", "acc-ada")).containsExactly("Developers");
		// Jira reports the group actor as "release-team": group names compare
		// case-insensitively.
		assertThat(this.identity.projectRolesOf("OPS", "acc-bob")).containsExactly("Release Managers");
		assertThat(this.identity.projectRolesOf("OPS", "acc-eve")).isEmpty();
	}

	@Test
	void aRoleGroupActorMatchesByGroupIdWhenTheNamesDiffer() {
		// The role's actor still carries the group's old name (Jira Cloud deprecates
		// names for groupId); the actor's membership has the new one and the same id.
		stubOpsRoles();
		jira.stubFor(get(urlPathEqualTo(GROUPS)).withQueryParam("accountId", equalTo("acc-cy"))
			.willReturn(okJson("[{\"name\":\"release-engineering\",\"groupId\":\"9f2a-3\"}]")));
		assertThat(this.identity.projectRolesOf("OPS", "acc-cy")).containsExactly("Release Managers");
		assertThat(this.identity.groupsOf("acc-cy")).containsExactlyInAnyOrder("release-engineering", "9f2a-3");
	}

	@Test
	void aGroupOfTheSameNameButAnotherGroupIdDoesNotHoldTheRole() {
		// The role's group actor was deleted and another group created under its name:
		// Jira gives each its own groupId, and only the id says which one holds the role.
		stubOpsRoles();
		jira.stubFor(get(urlPathEqualTo(GROUPS)).withQueryParam("accountId", equalTo("acc-dee"))
			.willReturn(okJson("[{\"name\":\"release-team\",\"groupId\":\"0bad-7\"}]")));
		assertThat(this.identity.projectRolesOf("OPS", "acc-dee")).isEmpty();
		// A GROUP binding may still name it: by its name, or by its id.
		assertThat(this.identity.groupsOf("acc-dee")).containsExactlyInAnyOrder("release-team", "0bad-7");
	}

	@Test
	void anActorCanHoldSeveralRoles() {
		stubOpsRoles();
		stubGroups("acc-ada", "release-team");
		assertThat(this.identity.projectRolesOf("OPS", "acc-ada")).containsExactlyInAnyOrder("Developers",
				"Release Managers");
	}

	@Test
	void unknownProjectHasNoRoles() {
		jira.stubFor(get("/rest/api/3/project/NOPE/role").willReturn(aResponse().withStatus(404)));
		assertThat(this.identity.projectRolesOf("NOPE", "acc-ada")).isEmpty();
	}

	@Test
	void groupsAreNotAskedForWhenNoRoleHasAGroupActor() {
		jira.stubFor(
				get(ROLES).willReturn(okJson("{\"Developers\":\"https://acme.atlassian.net" + ROLES + "/10002\"}")));
		jira.stubFor(get(ROLES + "/10002").willReturn(okJson(
				"{\"id\":10002,\"name\":\"Developers\",\"actors\":[{\"type\":\"atlassian-user-role-actor\",\"actorUser\":{\"accountId\":\"acc-ada\"}}]}")));
		assertThat(this.identity.projectRolesOf("OPS", "acc-ada")).containsExactly("Developers");
		jira.verify(0, getRequestedFor(urlPathEqualTo(GROUPS)));
	}

	@Test
	void repeatedLookupsAskJiraOnce() {
		stubOpsRoles();
		stubGroups("acc-ada", "ops");
		stubGroups("acc-bob", "release-team");
		for (int i = 0; i < 3; i++) {
			this.identity.groupsOf("acc-ada");
			this.identity.projectRolesOf("OPS", "acc-ada");
			this.identity.projectRolesOf("OPS", "acc-bob");
		}
		jira.verify(1, getRequestedFor(urlPathEqualTo(GROUPS)).withQueryParam("accountId", equalTo("acc-ada")));
		jira.verify(1, getRequestedFor(urlPathEqualTo(GROUPS)).withQueryParam("accountId", equalTo("acc-bob")));
		jira.verify(1, getRequestedFor(urlEqualTo(ROLES)));
		jira.verify(1, getRequestedFor(urlEqualTo(ROLES + "/10002")));
		jira.verify(1, getRequestedFor(urlEqualTo(ROLES + "/10003")));
	}

	@Test
	void answersExpireAfterTheTtl() {
		JiraIdentity uncached = new JiraIdentity(new IdentityProperties(Duration.ZERO), this.client);
		stubGroups("acc-ada", "ops");
		uncached.groupsOf("acc-ada");
		uncached.groupsOf("acc-ada");
		jira.verify(2, getRequestedFor(urlPathEqualTo(GROUPS)));
	}

	@Test
	void failuresAreNotCached() {
		jira.stubFor(get(urlPathEqualTo(GROUPS)).inScenario("outage")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(500))
			.willSetStateTo("recovered"));
		jira.stubFor(get(urlPathEqualTo(GROUPS)).inScenario("outage")
			.whenScenarioStateIs("recovered")
			.willReturn(okJson("[{\"name\":\"ops\"}]")));
		assertThatThrownBy(() -> this.identity.groupsOf("acc-ada")).isInstanceOf(JiraUnavailable.class);
		assertThat(this.identity.groupsOf("acc-ada")).containsExactly("ops");
		assertThat(this.identity.groupsOf("acc-ada")).containsExactly("ops");
		jira.verify(2, getRequestedFor(urlPathEqualTo(GROUPS)));
	}

	@Test
	void aFailingRoleLookupIsNotCachedForTheProject() {
		stubOpsRoles();
		stubGroups("acc-ada", "ops");
		jira.stubFor(get(ROLES + "/10003").inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("ok"));
		assertThatThrownBy(() -> this.identity.projectRolesOf("OPS", "acc-ada")).isInstanceOf(JiraUnavailable.class);
		assertThat(this.identity.projectRolesOf("OPS", "acc-ada")).containsExactly("Developers");
		jira.verify(2, getRequestedFor(urlEqualTo(ROLES)));
	}

	@Test
	void aDeniedRoleLookupIsNeverCachedAsNoRoles() {
		// The later stubs win over stubOpsRoles' list of roles.
		stubOpsRoles();
		jira.stubFor(get("/rest/api/3/project/OPS").willReturn(okJson("{\"id\":\"10000\",\"key\":\"OPS\"}")));
		jira.stubFor(get(ROLES).inScenario("permission")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(404))
			.willSetStateTo("granted"));
		jira.stubFor(get(ROLES).inScenario("permission")
			.whenScenarioStateIs("granted")
			.willReturn(okJson("{\"Developers\":\"https://acme.atlassian.net/rest/api/3/project/10000/role/10002\"}")));
		stubGroups("acc-ada", "ops");
		assertThatThrownBy(() -> this.identity.projectRolesOf("OPS", "acc-ada")).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("Administer Projects");
		assertThat(this.identity.projectRolesOf("OPS", "acc-ada")).containsExactly("Developers");
		jira.verify(2, getRequestedFor(urlEqualTo(ROLES)));
	}

	@Test
	void rateLimitReachesTheCallerWithRetryAfter() {
		jira.stubFor(
				get(urlPathEqualTo(GROUPS)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
		JiraUnavailable failure = catchThrowableOfType(JiraUnavailable.class, () -> this.identity.groupsOf("acc-ada"));
		assertThat(failure.retryAfter()).isNotNull();
	}

	@Test
	void withoutBaseUrlLookupsAreUnavailable() throws Exception {
		JiraClient unconfigured = JiraClients.notConfigured();
		JiraIdentity identity = new JiraIdentity(new IdentityProperties(Duration.ofMinutes(5)), unconfigured);
		assertThatThrownBy(() -> identity.groupsOf("acc-ada")).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("Jira base URL is not configured");
		assertThatThrownBy(() -> identity.projectRolesOf("OPS", "acc-ada")).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("Jira base URL is not configured");
		unconfigured.destroy();
	}

	/**
	 * OPS: Developers (10002) = user acc-ada + group ops; Release Managers (10003) =
	 * group release-team; Administrators (10001) = user acc-admin.
	 */
	private static void stubOpsRoles() {
		jira.stubFor(get(ROLES).willReturn(okJson("""
				{"Developers":"https://acme.atlassian.net/rest/api/3/project/10000/role/10002",
				 "Release Managers":"https://acme.atlassian.net/rest/api/3/project/10000/role/10003",
				 "Administrators":"https://acme.atlassian.net/rest/api/3/project/10000/role/10001"}
				""")));
		jira.stubFor(get(ROLES + "/10002").willReturn(
				okJson("""
						{"id":10002,"name":"Developers","actors":[
						  {"type":"atlassian-user-role-actor","actorUser":{"accountId":"acc-ada"}},
						  {"type":"atlassian-group-role-actor","actorGroup":{"name":"ops","displayName":"ops","groupId":"6e1c-1"}}]}
						""")));
		jira.stubFor(get(ROLES + "/10003").willReturn(
				okJson("""
						{"id":10003,"name":"Release Managers","actors":[
						  {"type":"atlassian-group-role-actor","actorGroup":{"name":"release-team","displayName":"release-team","groupId":"9f2a-3"}}]}
						""")));
		jira.stubFor(get(ROLES + "/10001").willReturn(okJson("""
				{"id":10001,"name":"Administrators","actors":[
				  {"type":"atlassian-user-role-actor","actorUser":{"accountId":"acc-admin"}}]}
				""")));
	}

	private static void stubGroups(String accountId, String... names) {
		StringBuilder json = new StringBuilder("[");
		for (int i = 0; i < names.length; i++) {
			json.append((i > 0) ? "," : "").append("{\"name\":\"").append(names[i]).append("\"}");
		}
		jira.stubFor(get(urlPathEqualTo(GROUPS)).withQueryParam("accountId", equalTo(accountId))
			.willReturn(okJson(json.append("]").toString())));
	}

}
