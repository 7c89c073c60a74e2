package dev.tollgate.jira;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.outbound.OutboundPolicies;
import dev.tollgate.outbound.OutboundRefused;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JiraClientTests {

	private static final WireMockServer jira = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private static final String ACCOUNT = "5b10a2844c20165700ede21g";

	private static final String GROUPS_PATH = "/rest/api/3/user/groups";

	private JiraClient client;

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
		this.client = JiraClients.forStub(base());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.client.destroy();
	}

	@Test
	void groupsOfReturnsTheGroupNamesAndIds() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).withQueryParam("accountId", equalTo(ACCOUNT))
			.willReturn(
					okJson("""
							[{"name":"ops-deployers","groupId":"6e1c-1","self":"https://acme.atlassian.net/rest/api/3/group?groupId=6e1c-1"},
							 {"name":"jira-software-users","groupId":"77aa-2","self":"https://acme.atlassian.net/x"}]
							""")));
		assertThat(this.client.groupsOf(ACCOUNT)).containsExactly(new JiraGroup("ops-deployers", "6e1c-1"),
				new JiraGroup("jira-software-users", "77aa-2"));
	}

	@Test
	void sendsBasicAuthAndAcceptsJson() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(okJson("[]")));
		this.client.groupsOf(ACCOUNT);
		String basic = Base64.getEncoder()
			.encodeToString((JiraClients.EMAIL + ":" + JiraClients.TOKEN).getBytes(StandardCharsets.UTF_8));
		jira.verify(1,
				getRequestedFor(urlPathEqualTo(GROUPS_PATH)).withQueryParam("accountId", equalTo(ACCOUNT))
					.withHeader("Authorization", equalTo("Basic " + basic))
					.withHeader("Accept", equalTo("application/json")));
	}

	@Test
	void accountIdIsEncodedAsAQueryValue() {
		String odd = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077&admin=true";
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(okJson("[]")));
		this.client.groupsOf(odd);
		jira.verify(1, getRequestedFor(urlPathEqualTo(GROUPS_PATH)).withQueryParam("accountId", equalTo(odd)));
	}

	@Test
	void unknownUserHasNoGroups() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"errorMessages\":[\"The user does not exist\"],\"errors\":{}}")));
		assertThat(this.client.groupsOf(ACCOUNT)).isEmpty();
	}

	@Test
	void projectRolesMapsNamesToIds() {
		jira.stubFor(get("/rest/api/3/project/OPS/role").willReturn(okJson("""
				{"Developers":"https://acme.atlassian.net/rest/api/3/project/10000/role/10002",
				 "Administrators":"https://acme.atlassian.net/rest/api/3/project/10000/role/10001"}
				""")));
		assertThat(this.client.projectRoles("OPS")).containsEntry("Developers", 10002L)
			.containsEntry("Administrators", 10001L)
			.hasSize(2);
	}

	@Test
	void unknownProjectHasNoRoles() {
		jira.stubFor(get("/rest/api/3/project/NOPE/role").willReturn(aResponse().withStatus(404)));
		assertThat(this.client.projectRoles("NOPE")).isEmpty();
	}

	@Test
	void roleLookupsDeniedForAProjectThatExistsNameTheMissingPermission() {
		// Atlassian documents 404 (and 401) on the role endpoints for an account without
		// Administer Projects: the project itself exists.
		jira.stubFor(get("/rest/api/3/project/OPS").willReturn(okJson("{\"id\":\"10000\",\"key\":\"OPS\"}")));
		jira.stubFor(get("/rest/api/3/project/OPS/role").willReturn(aResponse().withStatus(404)
			.withBody("{\"errorMessages\":[\"No project could be found with key 'OPS'.\"],\"errors\":{}}")));
		jira.stubFor(get("/rest/api/3/project/OPS/role/10002").willReturn(aResponse().withStatus(401)));
		assertThatThrownBy(() -> this.client.projectRoles("OPS")).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("Administer Projects")
			.hasMessageContaining("OPS");
		assertThatThrownBy(() -> this.client.roleActors("OPS", 10002)).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("Administer Projects");
	}

	@Test
	void a401OnRolesOfAnInvisibleProjectIsStillNotNoRoles() {
		jira.stubFor(get("/rest/api/3/project/OPS/role").willReturn(aResponse().withStatus(401)));
		assertThatThrownBy(() -> this.client.projectRoles("OPS")).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("401")
			.hasMessageNotContaining("Administer Projects");
	}

	@Test
	void aRoleUrlWithoutIdIsAnUnusableAnswer() {
		jira.stubFor(get("/rest/api/3/project/OPS/role")
			.willReturn(okJson("{\"Developers\":\"https://acme.atlassian.net/rest/api/3/project/10000/role/\"}")));
		assertThatThrownBy(() -> this.client.projectRoles("OPS")).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("role id");
	}

	@Test
	void roleActorsSeparatesUsersAndGroups() {
		jira.stubFor(get("/rest/api/3/project/OPS/role/10002").willReturn(okJson("""
				{"id":10002,"name":"Developers","self":"https://acme.atlassian.net/rest/api/3/project/OPS/role/10002",
				 "actors":[
				  {"id":1,"displayName":"Ada","type":"atlassian-user-role-actor","actorUser":{"accountId":"acc-ada"}},
				  {"id":2,"displayName":"ops","type":"atlassian-group-role-actor",
				   "actorGroup":{"name":"ops","displayName":"ops","groupId":"6e1c-1"}},
				  {"id":3,"displayName":"Bob","type":"atlassian-user-role-actor","actorUser":{"accountId":"acc-bob"}}
				 ]}
				""")));
		ProjectRoleActors actors = this.client.roleActors("OPS", 10002);
		assertThat(actors.accountIds()).containsExactlyInAnyOrder("acc-ada", "acc-bob");
		// The group with its name and its groupId, which a membership is matched by.
		assertThat(actors.groups()).containsExactly(new JiraGroup("ops", "6e1c-1"));
	}

	@Test
	void aMissingRoleHasNoActors() {
		jira.stubFor(get("/rest/api/3/project/OPS/role/99").willReturn(aResponse().withStatus(404)));
		assertThat(this.client.roleActors("OPS", 99)).isEqualTo(new ProjectRoleActors(Set.of(), Set.of()));
	}

	@Test
	void cloudIdBaseUrlKeepsItsPathPrefix() throws Exception {
		jira.stubFor(get(urlPathEqualTo("/ex/jira/11223344-a1b2-3b33-c444-def123456789" + GROUPS_PATH))
			.willReturn(okJson("[{\"name\":\"ops\"}]")));
		for (String suffix : new String[] { "", "/" }) {
			JiraClient scoped = JiraClients.forStub(base() + "/ex/jira/11223344-a1b2-3b33-c444-def123456789" + suffix);
			try {
				assertThat(scoped.groupsOf(ACCOUNT)).as("base URL ending in '%s'", suffix)
					.containsExactly(new JiraGroup("ops", null));
			}
			finally {
				scoped.destroy();
			}
		}
		jira.verify(2, getRequestedFor(urlPathEqualTo("/ex/jira/11223344-a1b2-3b33-c444-def123456789" + GROUPS_PATH)));
	}

	@Test
	void rateLimitIsUnavailableWithRetryAfterSeconds() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", "7")
			.withHeader("X-RateLimit-Reset", "2026-05-01T10:00:07Z")
			.withHeader("RateLimit-Reason", "jira-quota-based")));
		Instant before = Instant.now();
		JiraUnavailable failure = catchThrowableOfType(JiraUnavailable.class, () -> this.client.groupsOf(ACCOUNT));
		Instant after = Instant.now();
		assertThat(failure).hasMessageContaining("429");
		assertThat(failure.retryAfter()).isBetween(before.plusSeconds(7).minusSeconds(1), after.plusSeconds(7));
		jira.verify(1, getRequestedFor(urlPathEqualTo(GROUPS_PATH)));
	}

	@Test
	void serviceUnavailableCarriesAnHttpDateRetryAfter() {
		Instant at = Instant.now().plusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(at, ZoneOffset.UTC));
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH))
			.willReturn(aResponse().withStatus(503).withHeader("Retry-After", date)));
		JiraUnavailable failure = catchThrowableOfType(JiraUnavailable.class, () -> this.client.groupsOf(ACCOUNT));
		assertThat(failure).hasMessageContaining("503");
		assertThat(failure.retryAfter()).isEqualTo(at);
	}

	@Test
	void serverErrorIsUnavailable() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(aResponse().withStatus(500).withBody("oops")));
		JiraUnavailable failure = catchThrowableOfType(JiraUnavailable.class, () -> this.client.groupsOf(ACCOUNT));
		assertThat(failure).hasMessageContaining("500").hasMessageContaining("GET /rest/api/3/user/groups");
		assertThat(failure.retryAfter()).isNull();
	}

	@Test
	void slowAnswerIsUnavailableAfterTheReadTimeout() throws Exception {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(okJson("[]").withFixedDelay(1500)));
		JiraClient impatient = JiraClients.create(base(), OutboundPolicies.forLocalStubs(), Duration.ofMillis(300));
		try {
			long start = System.nanoTime();
			assertThatThrownBy(() -> impatient.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
				.hasMessageContaining("did not answer");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1200));
		}
		finally {
			impatient.destroy();
		}
	}

	@Test
	void connectionFailureIsUnavailable() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		JiraClient unreachable = JiraClients.forStub("http://127.0.0.1:" + closedPort);
		try {
			assertThatThrownBy(() -> unreachable.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
				.hasMessageContaining("did not answer");
		}
		finally {
			unreachable.destroy();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 401, 403 })
	void badCredentialsAreUnavailableNotAnEmptyAnswer(int status) {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(aResponse().withStatus(status)
			.withBody("{\"errorMessages\":[\"Client must be authenticated to access this resource.\"]}")));
		JiraUnavailable failure = catchThrowableOfType(JiraUnavailable.class, () -> this.client.groupsOf(ACCOUNT));
		assertThat(failure).hasMessageContaining(String.valueOf(status)).hasMessageContaining("credentials");
		assertNoSecretIn(failure);
	}

	@Test
	void aRedirectIsNotFollowed() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH))
			.willReturn(aResponse().withStatus(302).withHeader("Location", "/elsewhere")));
		assertThatThrownBy(() -> this.client.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("302");
		jira.verify(0, getRequestedFor(urlPathEqualTo("/elsewhere")));
	}

	@Test
	void aRedirectToAnotherHostDoesNotCarryTheCredentialThere() {
		WireMockServer attacker = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		attacker.start();
		try {
			attacker.stubFor(get(anyUrl()).willReturn(okJson("[]")));
			jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(aResponse().withStatus(302)
				.withHeader("Location", "http://localhost:" + attacker.port() + "/steal")));
			assertThatThrownBy(() -> this.client.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
				.hasMessageContaining("302");
			attacker.verify(0, anyRequestedFor(anyUrl()));
		}
		finally {
			attacker.stop();
		}
	}

	@Test
	void anOversizedAnswerIsRefused() {
		String huge = "[" + "{\"name\":\"g\"},".repeat(JiraTransport.MAX_RESPONSE_BYTES / 12) + "{\"name\":\"g\"}]";
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(okJson(huge)));
		assertThatThrownBy(() -> this.client.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("larger than");
	}

	@Test
	void anAnswerThatIsNotJsonIsUnusable() {
		jira.stubFor(get(urlPathEqualTo(GROUPS_PATH)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/html")
			.withBody("<html>Log in to Atlassian</html>")));
		assertThatThrownBy(() -> this.client.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("unusable");
	}

	@Test
	void loopbackIsRefusedUnlessAllowedAndNothingIsSent() throws Exception {
		JiraClient strict = JiraClients.create(base(), OutboundPolicies.of(true, false), Duration.ofSeconds(2));
		try {
			JiraUnavailable failure = catchThrowableOfType(JiraUnavailable.class, () -> strict.groupsOf(ACCOUNT));
			assertThat(failure).hasMessageContaining("loopback").hasCauseInstanceOf(OutboundRefused.class);
			assertNoSecretIn(failure);
		}
		finally {
			strict.destroy();
		}
		jira.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void plainHttpIsRefusedByDefault() throws Exception {
		JiraClient strict = JiraClients.create(base(), OutboundPolicies.of(false, true), Duration.ofSeconds(2));
		try {
			assertThatThrownBy(() -> strict.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
				.hasMessageContaining("only https");
		}
		finally {
			strict.destroy();
		}
		jira.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void withoutBaseUrlEveryCallIsUnavailable() throws Exception {
		JiraClient unconfigured = JiraClients.notConfigured();
		assertThatThrownBy(() -> unconfigured.groupsOf(ACCOUNT)).isInstanceOf(JiraUnavailable.class)
			.hasMessageContaining("Jira base URL is not configured")
			.hasMessageContaining("tollgate.jira.base-url");
		assertThatThrownBy(() -> unconfigured.projectRoles("OPS")).isInstanceOf(JiraUnavailable.class);
		unconfigured.destroy();
	}

	@Test
	void propertiesHideTheToken() {
		JiraProperties properties = new JiraProperties(null, JiraClients.EMAIL, JiraClients.TOKEN,
				Duration.ofSeconds(2), Duration.ofSeconds(5));
		assertThat(properties.toString()).doesNotContain(JiraClients.TOKEN).contains("<hidden>");
	}

	@Test
	void retryAfterParsing() {
		Instant now = Instant.parse("2026-05-01T10:00:00Z");
		assertThat(JiraTransport.parseRetryAfter("7", now)).isEqualTo(Instant.parse("2026-05-01T10:00:07Z"));
		assertThat(JiraTransport.parseRetryAfter(" 0 ", now)).isEqualTo(now);
		assertThat(JiraTransport.parseRetryAfter("Fri, 01 May 2026 10:02:00 GMT", now))
			.isEqualTo(Instant.parse("2026-05-01T10:02:00Z"));
		assertThat(JiraTransport.parseRetryAfter(null, now)).isNull();
		assertThat(JiraTransport.parseRetryAfter("", now)).isNull();
		assertThat(JiraTransport.parseRetryAfter("-5", now)).isNull();
		assertThat(JiraTransport.parseRetryAfter("soon", now)).isNull();
		assertThat(JiraTransport.parseRetryAfter("99999999999999999999", now)).isNull();
	}

	// A literal address: no name resolution involved.
	private static String base() {
		return "http://127.0.0.1:" + jira.port();
	}

	private static void assertNoSecretIn(Throwable failure) {
		String basic = Base64.getEncoder()
			.encodeToString((JiraClients.EMAIL + ":" + JiraClients.TOKEN).getBytes(StandardCharsets.UTF_8));
		for (Throwable t = failure; t != null; t = t.getCause()) {
			assertThat(String.valueOf(t.getMessage())).doesNotContain(JiraClients.TOKEN)
				.doesNotContain(basic)
				.doesNotContain("Authorization");
		}
	}

}
