package dev.tollgate.console;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;

import dev.tollgate.support.IntegrationTest;
import dev.tollgate.support.JiraPayloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tollgate.support.ApiClient.created;
import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real Chromium (Debian's, driven through its chromedriver; nothing is
 * downloaded): what an approver, an auditor and an admin do there. One browser for the
 * class; each test signs in as the person it needs. After each test the browser's console
 * must hold no error. Skipped, saying why, only where Chromium is not installed.
 */
class ConsoleBrowserTests extends IntegrationTest {

	private static final com.github.tomakehurst.wiremock.WireMockServer jira = ConsoleJira.start("Production");

	@org.springframework.test.context.DynamicPropertySource
	static void jira(org.springframework.test.context.DynamicPropertyRegistry registry) {
		dev.tollgate.support.JiraStub.register(registry, jira);
	}

	@AfterAll
	static void stopJira() {
		jira.stop();
	}

	private static final Path CHROMIUM = Path.of(System.getProperty("tollgate.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver"));

	private static ChromeDriver browser;

	private static Path profile;

	private static Fixture fixture;

	@Autowired
	private JdbcClient jdbc;

	record Fixture(String project, String requester, String approver, String approverToken, String requesterToken,
			String auditorToken) {
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		String absent = "ConsoleBrowserTests skipped: Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER
				+ "); apt-get install chromium chromium-driver to run the console's browser tests";
		if (!present) {
			// Surefire counts a class skipped in @BeforeAll as no tests at all: say it
			// where a reader of the build log sees it.
			System.err.println(absent);
		}
		Assumptions.assumeTrue(present, absent);
		profile = Files.createTempDirectory("tollgate-chromium");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1280,860", "--user-data-dir=" + profile);
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.quit();
		}
		if (profile != null) {
			try (var files = Files.walk(profile)) {
				files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
			}
		}
	}

	@BeforeEach
	void policy() {
		if (fixture != null) {
			return;
		}
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		String project = JiraPayloads.projectKey('C', suffix);
		String requester = "acc-requester-" + suffix;
		String approver = "acc-approver-" + suffix;
		created(api().post("/api/v1/roles", "{\"name\":\"rm-" + suffix + "\"}"));
		created(api().post("/api/v1/roles", "{\"name\":\"approver-" + suffix + "\"}"));
		bind("rm-" + suffix, requester);
		bind("approver-" + suffix, requester);
		bind("approver-" + suffix, approver);
		created(api().post("/api/v1/targets", "{\"name\":\"noop-" + suffix + "\",\"kind\":\"NOOP\"}"));
		created(api().post("/api/v1/rules",
				"""
						{"name":"production %1$s","projectKey":"%2$s","fromStatus":"*","toStatus":"Production",
						 "allowedRoles":["rm-%1$s"],"target":"noop-%1$s",
						 "approval":{"required":1,"approverRoles":["approver-%1$s"],"separationOfDuties":true,"expiresAfter":"PT24H"}}"""
					.formatted(suffix, project)));
		fixture = new Fixture(project, requester, approver, token("approver", approver), token("approver", requester),
				token("auditor", null));
	}

	@AfterEach
	void noErrorsInTheBrowserConsole() {
		List<LogEntry> errors = browser.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.WARNING.intValue())
			.toList();
		assertThat(errors).as("browser console").isEmpty();
	}

	@Test
	void anApproverSignsInWithATokenSeesThePendingApprovalApprovesItAndSeesTheTrigger() throws IOException {
		String issue = transition();
		signIn(fixture.approverToken());
		browser.get(url("/console/approvals"));
		WebElement row = wait(By.cssSelector("tr[data-issue='" + issue + "']"));
		assertThat(row.getText()).contains("Production", "0 of 1", "PENDING", fixture.requester());
		screenshot("console-approvals.png");
		row.findElement(By.linkText(issue)).click();
		wait(By.id("approve")).click();
		new WebDriverWait(browser, Duration.ofSeconds(30))
			.until(ExpectedConditions.textToBe(By.id("history-status"), "GRANTED"));
		wait(By.cssSelector("tr[data-type='TRIGGER_SUCCEEDED']"));
		assertThat(browser.findElement(By.id("history")).getText()).contains(fixture.approver(), "APPROVE", "CONSOLE");
	}

	@Test
	void theRequestersOwnVoteIsRefusedWithTheReasonShown() {
		String issue = transition();
		signIn(fixture.requesterToken());
		browser.get(url("/console/approvals"));
		wait(By.cssSelector("tr[data-issue='" + issue + "']")).findElement(By.linkText(issue)).click();
		wait(By.id("approve")).click();
		WebElement refusal = new WebDriverWait(browser, Duration.ofSeconds(30))
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-type='APPROVAL_VOTED']")));
		assertThat(refusal.getText()).contains("REJECTED", "separation of duties");
		assertThat(browser.findElement(By.id("history-status")).getText()).isEqualTo("PENDING");
	}

	@Test
	void anAuditorSearchesTheAuditLogByIssueKeyAndSeesTheChainVerified() {
		String issue = transition();
		String other = transition();
		signIn(fixture.auditorToken());
		browser.get(url("/console/audit"));
		wait(By.id("chain-verified"));
		browser.findElement(By.id("issueKey")).sendKeys(issue);
		browser.findElement(By.id("search")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("issueKey=" + issue));
		List<WebElement> rows = browser.findElements(By.cssSelector("#audit-events tbody tr"));
		assertThat(rows).isNotEmpty()
			.allSatisfy((r) -> assertThat(r.getAttribute("data-issue")).isEqualTo(issue))
			.noneSatisfy((r) -> assertThat(r.getText()).contains(other));
		assertThat(browser.findElements(By.cssSelector("tr td")).stream().map(WebElement::getText))
			.contains("DECISION");
		// An auditor reads approvals but has no vote control.
		browser.get(url("/console/approvals"));
		wait(By.cssSelector("tr[data-issue='" + issue + "']")).findElement(By.linkText(issue)).click();
		wait(By.id("history"));
		assertThat(browser.findElements(By.id("approve"))).isEmpty();
	}

	@Test
	void anAdminRetriesADeadJob() {
		long job = this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, status, attempts, last_error)
				VALUES ('CONSOLE_TEST', :key, '{}'::jsonb, 'DEAD', 5, 'HTTP 500 from the CI system')
				RETURNING id
				""").param("key", "console-browser:" + UUID.randomUUID()).query(Long.class).single();
		signIn(ADMIN_TOKEN);
		browser.get(url("/console/jobs"));
		WebElement row = wait(By.cssSelector("tr[data-job='" + job + "']"));
		assertThat(row.getText()).contains("HTTP 500 from the CI system");
		row.findElement(By.cssSelector("button[aria-label='Retry job " + job + "']")).click();
		assertThat(wait(By.cssSelector("p.notice")).getText()).isEqualTo("Job " + job + " is queued again.");
		assertThat(
				this.jdbc.sql("SELECT status FROM tollgate.job WHERE id = ?").param(job).query(String.class).single())
			.isEqualTo("PENDING");
	}

	@Test
	void theGatesPageShowsTheDeploymentsWaitingAndWhatTheyWaitFor() {
		String subject = "acme/shop#" + UUID.randomUUID();
		long id = this.jdbc.sql("""
				INSERT INTO tollgate.gate_review (gate, provider, target, subject, environment, ask, wait_until, reason,
				    issue_key)
				VALUES ('prod', 'GITHUB_ACTIONS', 'deploy-prod', :subject, 'production', '{}'::jsonb,
				    now() + interval '1 hour', 'waiting for approval request 7 (2 approval(s) required).', 'OPS-17')
				RETURNING id
				""").param("subject", subject).query(Long.class).single();
		signIn(ADMIN_TOKEN);
		browser.get(url("/console/gates"));
		WebElement row = wait(By.cssSelector("tr[data-review='" + id + "']"));
		assertThat(row.getText()).contains(subject).contains("production").contains("waiting for approval request 7");
		browser.findElement(By.id("status")).sendKeys("Approved");
		browser.findElement(By.cssSelector("form.filters button")).click();
		wait(By.cssSelector("main h1"));
		assertThat(browser.findElements(By.cssSelector("tr[data-review='" + id + "']"))).isEmpty();
		assertThat(browser.findElement(By.id("status")).getAttribute("value")).isEqualTo("APPROVED");
	}

	@Test
	void everyControlOnEveryPageHasAnAccessibleNameAndTheExplainFormAnswersInPlace() {
		String issue = transition();
		signIn(ADMIN_TOKEN);
		for (String path : List.of("/console/approvals", "/console/audit", "/console/jobs", "/console/policy",
				"/console/gates")) {
			browser.get(url(path));
			wait(By.cssSelector("main h1"));
			assertEveryControlNamed(path);
		}
		browser.get(url("/console/approvals"));
		wait(By.cssSelector("tr[data-issue='" + issue + "']")).findElement(By.linkText(issue)).click();
		wait(By.id("history"));
		assertEveryControlNamed("an approval request");
		browser.get(url("/console/policy"));
		browser.findElement(By.id("x-project")).sendKeys(fixture.project());
		browser.findElement(By.id("x-to")).sendKeys("Production");
		browser.findElement(By.id("x-actor")).sendKeys(fixture.requester());
		String before = browser.getCurrentUrl();
		browser.findElement(By.id("explain")).click();
		assertThat(wait(By.id("explain-outcome")).getText()).isEqualTo("PENDING_APPROVAL");
		// htmx swapped the answer in; the page itself stayed.
		assertThat(browser.getCurrentUrl()).isEqualTo(before);
		assertThat(browser.findElement(By.id("explanation")).getText()).contains("rm-");
	}

	private static void assertEveryControlNamed(String page) {
		List<WebElement> controls = browser
			.findElements(By.cssSelector("a, button, input:not([type='hidden']), select, textarea"));
		assertThat(controls).isNotEmpty();
		assertThat(controls).as("controls without an accessible name on " + page)
			.allSatisfy((control) -> assertThat(control.getAccessibleName())
				.as(control.getTagName() + " " + control.getAttribute("id") + " " + control.getAttribute("name"))
				.isNotBlank());
	}

	@Test
	void signingOutEndsTheSession() {
		signIn(ADMIN_TOKEN);
		browser.get(url("/console/policy"));
		wait(By.id("rules"));
		browser.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
		assertThat(wait(By.cssSelector("p.notice")).getText()).isEqualTo("You are signed out.");
		browser.get(url("/console/approvals"));
		wait(By.id("token"));
		assertThat(browser.getCurrentUrl()).endsWith("/console/sign-in");
	}

	private void signIn(String token) {
		browser.get(url("/console/sign-in"));
		browser.manage().deleteAllCookies();
		browser.get(url("/console/sign-in"));
		wait(By.id("token")).sendKeys(token);
		browser.findElement(By.cssSelector("form[action='/console/sign-in'] button")).click();
		wait(By.cssSelector("header .who"));
	}

	private WebElement wait(By locator) {
		return new WebDriverWait(browser, Duration.ofSeconds(15))
			.until(ExpectedConditions.presenceOfElementLocated(locator));
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	/**
	 * The README's picture of the console: written under target/, and to docs/images/ on
	 * request.
	 */
	private static void screenshot(String name) throws IOException {
		Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
		Files.createDirectories(Path.of("target"));
		Files.copy(shot, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
		if (Boolean.getBoolean("tollgate.docs.write")) {
			Files.copy(shot, Path.of("docs", "images", name), StandardCopyOption.REPLACE_EXISTING);
		}
	}

	/** A gated move by the requester; returns the issue key once its approval is open. */
	private String transition() {
		String id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000_000L));
		String key = fixture.project() + "-" + id;
		assertThat(webhooks()
			.send(JiraPayloads.transition(id, id, fixture.project(), fixture.requester(), "Staging", "Production"),
					UUID.randomUUID().toString())
			.statusCode()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> body(api().get("/api/v1/approvals?status=PENDING&limit=500")).get("items")
				.valueStream()
				.anyMatch((request) -> key.equals(request.get("issueKey").asString())));
		return key;
	}

	private void bind(String role, String subject) {
		created(api().post("/api/v1/role-bindings",
				"{\"role\":\"" + role + "\",\"subjectType\":\"USER\",\"subject\":\"" + subject + "\"}"));
	}

	private String token(String scope, String accountId) {
		HttpResponse<String> created = api().post("/api/v1/tokens",
				"{\"name\":\"" + scope + "-" + UUID.randomUUID() + "\",\"scopes\":[\"" + scope + "\"]"
						+ ((accountId != null) ? ",\"accountId\":\"" + accountId + "\"" : "") + "}");
		created(created);
		return body(created).get("token").asString();
	}

}
