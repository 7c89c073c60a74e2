package dev.tollgate.console;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tollgate.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's attack surface over plain HTTP: every page and form needs a session,
 * scopes are enforced on the server (not only by hiding buttons), forms need their CSRF
 * token, and the headers and cookie are as strict as documented.
 */
class ConsoleSecurityTests extends IntegrationTest {

	@Autowired
	private JdbcClient jdbc;

	@ParameterizedTest
	@ValueSource(strings = { "/console", "/console/approvals", "/console/approvals/1", "/console/approvals/1/history",
			"/console/audit", "/console/audit/verification", "/console/jobs", "/console/policy", "/console/gates" })
	void everyPageWithoutASessionRedirectsToSignIn(String path) {
		HttpResponse<String> response = new ConsoleSession(this.port).get(path);
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith(ConsoleSecurityConfiguration.SIGN_IN));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/console/approvals/1/vote", "/console/jobs/1/retry", "/console/policy/explain",
			"/console/sign-out" })
	void everyFormWithoutASessionRedirectsToSignIn(String path) {
		ConsoleSession anonymous = new ConsoleSession(this.port);
		anonymous.get(ConsoleSecurityConfiguration.SIGN_IN);
		HttpResponse<String> response = anonymous.post(path, Map.of("decision", "approve"));
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).contains(ConsoleSecurityConfiguration.SIGN_IN));
	}

	@Test
	void aWrongTokenIsRefusedWithASentence() {
		ConsoleSession session = new ConsoleSession(this.port);
		HttpResponse<String> response = session.signIn("tg_not-a-real-token");
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/console/sign-in?error=token"));
		assertThat(session.follow("/console/sign-in?error=token").body()).contains("That token is not valid");
		assertThat(session.get("/console/approvals").statusCode()).isEqualTo(302);
	}

	@Test
	void anAuditorSeesNoVoteOrRetryControlsAndAForgedPostIsRefused() {
		long job = deadJob();
		ConsoleSession auditor = new ConsoleSession(this.port);
		assertThat(auditor.signIn(token("auditor", null)).statusCode()).isEqualTo(302);
		HttpResponse<String> jobs = auditor.get("/console/jobs");
		assertThat(jobs.statusCode()).isEqualTo(200);
		assertThat(jobs.body()).contains("data-job=\"" + job + "\"").doesNotContain("/console/jobs/" + job + "/retry");
		// With a valid CSRF token from the auditor's own page: the scope, not the form,
		// refuses.
		HttpResponse<String> retry = auditor.post("/console/jobs/" + job + "/retry", Map.of());
		assertThat(retry.statusCode()).isEqualTo(403);
		assertThat(retry.body()).contains("does not allow this").doesNotContain("Exception");
		assertThat(status(job)).isEqualTo("DEAD");
		HttpResponse<String> vote = auditor.post("/console/approvals/1/vote", Map.of("decision", "approve"));
		assertThat(vote.statusCode()).isEqualTo(403);
	}

	@Test
	void anApproverMayNotReadTheAuditLogOrRetryJobs() {
		ConsoleSession approver = new ConsoleSession(this.port);
		approver.signIn(token("approver", "acc-" + UUID.randomUUID()));
		assertThat(approver.get("/console/approvals").statusCode()).isEqualTo(200);
		assertThat(approver.get("/console/audit").statusCode()).isEqualTo(403);
		assertThat(approver.get("/console/jobs").statusCode()).isEqualTo(403);
		assertThat(approver.get("/console/gates").statusCode()).isEqualTo(403);
		assertThat(approver.get("/console/approvals").body()).doesNotContain("href=\"/console/audit\"");
	}

	@Test
	void aPostWithoutTheCsrfTokenIsRefused() {
		long job = deadJob();
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn(ADMIN_TOKEN);
		assertThat(admin.get("/console/jobs").statusCode()).isEqualTo(200);
		assertThat(admin.postRaw("/console/jobs/" + job + "/retry", Map.of()).statusCode()).isEqualTo(403);
		assertThat(admin.postRaw("/console/jobs/" + job + "/retry", Map.of("_csrf", "forged")).statusCode())
			.isEqualTo(403);
		assertThat(status(job)).isEqualTo("DEAD");
		// The same form with its token goes through.
		assertThat(admin.post("/console/jobs/" + job + "/retry", Map.of()).statusCode()).isEqualTo(302);
		assertThat(status(job)).isNotEqualTo("DEAD");
	}

	@Test
	void pagesCarryTheContentSecurityPolicyAndNoFraming() {
		ConsoleSession admin = new ConsoleSession(this.port);
		HttpResponse<String> signIn = admin.get(ConsoleSecurityConfiguration.SIGN_IN);
		admin.signIn(ADMIN_TOKEN);
		for (HttpResponse<String> page : List.of(signIn, admin.get("/console/approvals"),
				admin.get("/console/audit"))) {
			String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
			assertThat(csp).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
				.doesNotContain("unsafe-inline")
				.doesNotContain("unsafe-eval");
			assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
			assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=\"");
		}
	}

	@Test
	void theSessionCookieIsHttpOnlyLaxAndLimitedToTheConsoleAndIsReplacedAtSignIn() {
		ConsoleSession session = new ConsoleSession(this.port);
		session.get(ConsoleSecurityConfiguration.SIGN_IN);
		HttpResponse<String> signedIn = session.post(ConsoleSecurityConfiguration.SIGN_IN,
				Map.of("token", ADMIN_TOKEN));
		String cookie = signedIn.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((c) -> c.startsWith("TOLLGATE_CONSOLE="))
			.findFirst()
			.orElseThrow();
		assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/console");
		assertThat(this.jdbc.sql("SELECT count(*) FROM tollgate.spring_session WHERE principal_name = 'bootstrap'")
			.query(Long.class)
			.single()).isPositive();
	}

	@Test
	void signingOutEndsTheSession() {
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(ADMIN_TOKEN);
		assertThat(session.get("/console/approvals").statusCode()).isEqualTo(200);
		HttpResponse<String> out = session.post("/console/sign-out", Map.of());
		assertThat(out.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/console/sign-in?signedOut"));
		assertThat(session.get("/console/approvals").statusCode()).isEqualTo(302);
	}

	@Test
	void aDeletedTokensSessionEnds() {
		String name = "console-" + UUID.randomUUID();
		var created = body(api().post("/api/v1/tokens", "{\"name\":\"" + name + "\",\"scopes\":[\"auditor\"]}"));
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(created.get("token").asString());
		assertThat(session.get("/console/audit").statusCode()).isEqualTo(200);
		assertThat(api().delete("/api/v1/tokens/" + created.get("id").asLong()).statusCode()).isEqualTo(204);
		assertThat(session.get("/console/audit").statusCode()).isEqualTo(302);
	}

	@Test
	void badInputIsASentenceNotAStackTrace() {
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn(ADMIN_TOKEN);
		HttpResponse<String> response = admin.get("/console/audit?type=NOPE&since=yesterday");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("must be one of").doesNotContain("Exception").doesNotContain("at dev.");
		HttpResponse<String> missing = admin.get("/console/approvals/987654321");
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(missing.body()).contains("There is no approval request 987654321.");
	}

	private String token(String scope, String accountId) {
		HttpResponse<String> created = api().post("/api/v1/tokens",
				"{\"name\":\"" + scope + "-" + UUID.randomUUID() + "\",\"scopes\":[\"" + scope + "\"]"
						+ ((accountId != null) ? ",\"accountId\":\"" + accountId + "\"" : "") + "}");
		assertThat(created.statusCode()).isEqualTo(201);
		return body(created).get("token").asString();
	}

	/** A dead job of a kind no worker claims, so a retry leaves it pending. */
	private long deadJob() {
		return this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, status, attempts, last_error)
				VALUES ('CONSOLE_TEST', :key, '{}'::jsonb, 'DEAD', 5, 'HTTP 500 from the CI system')
				RETURNING id
				""").param("key", "console-test:" + UUID.randomUUID()).query(Long.class).single();
	}

	private String status(long job) {
		return this.jdbc.sql("SELECT status FROM tollgate.job WHERE id = ?").param(job).query(String.class).single();
	}

}
