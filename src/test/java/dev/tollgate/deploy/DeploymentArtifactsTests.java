package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Checks the deployment artifacts (Dockerfile, Compose stack, Helm chart, GitHub
 * workflows, dashboards and alerts) without a Docker engine or a cluster: the chart is
 * linted and rendered in-process by Helm's own library (helm-java), and the rendered
 * manifests and the other files are asserted as parsed YAML and JSON.
 * scripts/check-layered-jar.sh covers the image's launch path.
 */
class DeploymentArtifactsTests {

	private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path CHART = ROOT.resolve("helm/tollgate");

	private static final YAMLMapper YAML = new YAMLMapper();

	private static final String DATABASE_URL = "jdbc:postgresql://db.example.internal:5432/tollgate";

	private static final JsonMapper JSON = new JsonMapper();

	/**
	 * Every environment variable that carries a secret and must come from a Secret
	 * reference.
	 */
	private static final Set<String> SECRET_ENV = Set.of("SPRING_DATASOURCE_PASSWORD", "SPRING_FLYWAY_PASSWORD",
			"TOLLGATE_JIRA_WEBHOOK_SECRETS", "TOLLGATE_JIRA_API_TOKEN", "TOLLGATE_ADMIN_BOOTSTRAP_TOKEN",
			"TOLLGATE_GITHUB_WEBHOOK_SECRETS", "TOLLGATE_GITLAB_WEBHOOK_TOKENS", "TOLLGATE_JENKINS_WEBHOOK_SECRETS",
			"GITHUB_TOKEN", "GITLAB_TRIGGER_TOKEN", "JENKINS_API_TOKEN");

	/**
	 * The metric families the application publishes (listed in the README after
	 * "Metrics:").
	 */
	private static final List<String> CONTRACT_METRICS = List.of("tollgate_webhooks_received_total",
			"tollgate_webhook_ack_seconds", "tollgate_decisions_total", "tollgate_decision_latency_seconds",
			"tollgate_triggers_total", "tollgate_trigger_duration_seconds", "tollgate_jobs_pending",
			"tollgate_jobs_oldest_pending_age_seconds", "tollgate_jobs_dead", "tollgate_jira_comments_total");

	private static final Pattern METRIC_NAME = Pattern.compile("\\btollgate_[a-z_]+");

	private static final String[] ALL_OPTIONAL_FEATURES = { "ingress.enabled=true",
			"ingress.tls[0].secretName=tollgate-tls", "ingress.tls[0].hosts[0]=tollgate.example.com",
			"autoscaling.enabled=true", "metrics.serviceMonitor.enabled=true", "metrics.prometheusRule.enabled=true",
			"metrics.dashboards.enabled=true", "migration.job.enabled=true", "existingSecret=tollgate-secrets",
			"config.jira.baseUrl=https://acme.atlassian.net" };

	private static List<JsonNode> defaultManifests;

	@BeforeAll
	static void renderDefaults() {
		defaultManifests = render();
	}

	// ---- Helm chart: lint and render
	// -------------------------------------------------------------

	@Test
	void chartPassesStrictLint(@TempDir Path tmp) throws IOException {
		// helm-java's lint takes no --set: lint a copy whose values name a database, as
		// the CI workflow does with --set database.url=...
		Path chart = copyChart(tmp);
		Path values = chart.resolve("values.yaml");
		Files.writeString(values, Files.readString(values).replace("  url: \"\"\n", "  url: " + DATABASE_URL + "\n"));
		LintResult result = new Helm(chart).lint().strict().call();

		assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
		assertThat(result.getMessages())
			.noneMatch((message) -> message.contains("[ERROR]") || message.contains("[WARNING]"));
	}

	@Test
	void theChartDoesNotRenderWithoutADatabaseUrlAndSaysWhatToSet() {
		assertThat(readYaml(CHART.resolve("values.yaml")).at("/database/url").asString()).isEmpty();
		assertThatThrownBy(() -> renderExactly(CHART)).hasMessageContaining("database.url is required")
			.hasMessageContaining("--set database.url=jdbc:postgresql://");
		assertThatThrownBy(() -> renderExactly(CHART, "migration.job.enabled=true"))
			.hasMessageContaining("database.url is required");
		assertThatThrownBy(() -> renderExactly(CHART, "database.url=postgres://db/tollgate"))
			.hasMessageContaining("/database/url");
		assertThat(configMapData(renderExactly(CHART, "database.url=" + DATABASE_URL)).path("SPRING_DATASOURCE_URL")
			.asString()).isEqualTo(DATABASE_URL);
	}

	@Test
	void theChartReadmeSaysHowToInstallFromAClone() throws IOException {
		String readme = Files.readString(CHART.resolve("README.md"));
		assertThat(readme).contains("### From a clone")
			.contains("docker build -t")
			.contains("--set image.repository=")
			.contains("--set database.url=");
		// The placeholder the README explains is the one the release workflow rewrites.
		assertThat(readYaml(CHART.resolve("values.yaml")).at("/image/repository").asString())
			.isEqualTo("ghcr.io/tollgate/tollgate");
		assertThat(Files.readString(ROOT.resolve(".github/workflows/release.yml")))
			.contains("s|^  repository: .*|  repository: $IMAGE|")
			.contains("helm lint --strict helm/tollgate --set database.url=");
		assertThat(Files.readString(ROOT.resolve(".github/workflows/ci.yml")))
			.contains("helm lint --strict helm/tollgate --set database.url=");
	}

	@Test
	void defaultsRenderTheCoreObjectsAndNothingOptional() {
		assertThat(kinds(defaultManifests)).containsExactlyInAnyOrder("ConfigMap", "Deployment", "NetworkPolicy",
				"PodDisruptionBudget", "Service", "ServiceAccount");
	}

	@Test
	void optionalObjectsRenderWhenEnabled() {
		List<JsonNode> manifests = render(ALL_OPTIONAL_FEATURES);

		assertThat(kinds(manifests)).contains("Ingress", "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule");
		JsonNode ingress = single(manifests, "Ingress");
		JsonNode path = ingress.at("/spec/rules/0/http/paths/0");
		assertThat(path.path("path").asString()).isEqualTo("/webhooks");
		assertThat(path.at("/backend/service/port/name").asString()).isEqualTo("http");
		assertThat(ingress.at("/spec/tls/0/secretName").asString()).isEqualTo("tollgate-tls");

		JsonNode endpoint = single(manifests, "ServiceMonitor").at("/spec/endpoints/0");
		assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
		assertThat(endpoint.path("port").asString()).isEqualTo("management");
	}

	@Test
	void installCommandOfTheChartReadmeRenders() throws IOException {
		String readme = Files.readString(CHART.resolve("README.md"));
		Matcher set = Pattern.compile("--set '?([^' \\n]+)'?").matcher(readme);
		List<String> sets = new ArrayList<>();
		while (set.find()) {
			sets.add(set.group(1));
		}
		assertThat(sets).isNotEmpty();

		List<JsonNode> manifests = render(sets.toArray(String[]::new));

		assertThat(single(manifests, "Ingress").at("/spec/rules/0/http/paths/0/path").asString())
			.isEqualTo("/webhooks");
		assertThat(configMapData(manifests).path("TOLLGATE_JIRA_BASE_URL").asString()).startsWith("https://");
	}

	@Test
	void chartReadmeDocumentsEveryTopLevelValue() throws IOException {
		String readme = Files.readString(CHART.resolve("README.md"));

		assertThat(readYaml(CHART.resolve("values.yaml")).propertyNames())
			.allSatisfy((key) -> assertThat(readme).contains("| `" + key));
	}

	@Test
	void probesPointAtTheActuatorHealthGroups() {
		JsonNode container = appContainer(defaultManifests);

		assertThat(container.path("ports")).anySatisfy((port) -> {
			assertThat(port.path("name").asString()).isEqualTo("http");
			assertThat(port.path("containerPort").asInt()).isEqualTo(8080);
		});
		assertThat(container.at("/startupProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
		assertThat(container.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
		assertThat(container.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/readiness");
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(container.at("/" + probe + "/httpGet/port").asString()).as(probe).isEqualTo("management");
		}
	}

	/**
	 * By default health and metrics have a port of their own (management.server.port), so
	 * that slow clients holding the service port's connections cannot fail the probes or
	 * the scrape; the Service, the ServiceMonitor and the NetworkPolicy expose it. Set to
	 * 0, everything is back on the service port.
	 */
	@Test
	void probesAndScrapesUseTheManagementPortByDefault() {
		List<JsonNode> manifests = render("metrics.serviceMonitor.enabled=true");
		JsonNode container = appContainer(manifests);

		assertThat(container.path("ports")).anySatisfy((port) -> {
			assertThat(port.path("name").asString()).isEqualTo("management");
			assertThat(port.path("containerPort").asInt()).isEqualTo(8081);
		});
		assertThat(configMapData(manifests).path("MANAGEMENT_SERVER_PORT").asString()).isEqualTo("8081");
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(container.at("/" + probe + "/httpGet/port").asString()).as(probe).isEqualTo("management");
		}
		assertThat(single(manifests, "Service").at("/spec/ports")).anySatisfy((port) -> {
			assertThat(port.path("name").asString()).isEqualTo("management");
			assertThat(port.path("targetPort").asString()).isEqualTo("management");
		});
		assertThat(single(manifests, "ServiceMonitor").at("/spec/endpoints/0/port").asString()).isEqualTo("management");
		assertThat(single(manifests, "NetworkPolicy").at("/spec/ingress/0/ports")).extracting(JsonNode::toString)
			.anySatisfy((port) -> assertThat(port).contains("\"management\""));

		List<JsonNode> onServicePort = render("managementPort=0", "metrics.serviceMonitor.enabled=true");
		JsonNode plain = appContainer(onServicePort);
		assertThat(plain.path("ports")).hasSize(1);
		assertThat(configMapData(onServicePort).has("MANAGEMENT_SERVER_PORT")).isFalse();
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(plain.at("/" + probe + "/httpGet/port").asString()).as(probe).isEqualTo("http");
		}
		assertThat(single(onServicePort, "ServiceMonitor").at("/spec/endpoints/0/port").asString()).isEqualTo("http");
	}

	@Test
	void probePathsAndScrapePathExistInTheApplicationConfiguration() {
		JsonNode application = readYaml(ROOT.resolve("src/main/resources/application.yml"));

		assertThat(application.at("/management/endpoint/health/probes/enabled").asBoolean())
			.as("management.endpoint.health.probes.enabled, which creates /actuator/health/{liveness,readiness}")
			.isTrue();
		assertThat(application.at("/management/endpoints/web/exposure/include").asString()).contains("health")
			.contains("prometheus");
		JsonNode port = application.at("/server/port");
		assertThat(port.isMissingNode() || port.asInt() == 8080).as("server.port is 8080 or unset").isTrue();
	}

	@Test
	void podAndContainerAreHardened() {
		JsonNode pod = single(defaultManifests, "Deployment").at("/spec/template/spec");

		assertHardened(pod, appContainer(defaultManifests));
		assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
		assertThat(single(defaultManifests, "ServiceAccount").path("automountServiceAccountToken").asBoolean(true))
			.isFalse();
		assertThat(pod.at("/securityContext/runAsUser").asInt()).as("runs as the image's USER")
			.isEqualTo(Integer.parseInt(dockerfileInstruction("USER").split(":")[0]));
	}

	@Test
	void noSecretObjectIsRenderedAndEverySecretComesFromTheExistingSecret() {
		List<JsonNode> manifests = render(ALL_OPTIONAL_FEATURES);

		assertThat(kinds(manifests)).doesNotContain("Secret");
		List<JsonNode> env = new ArrayList<>();
		appContainer(manifests).path("env").forEach(env::add);
		List<String> secretBacked = new ArrayList<>();
		for (JsonNode variable : env) {
			String name = variable.path("name").asString();
			if (SECRET_ENV.contains(name)) {
				assertThat(variable.has("value")).as("%s has a literal value", name).isFalse();
				assertThat(variable.at("/valueFrom/secretKeyRef/name").asString()).as(name)
					.isEqualTo("tollgate-secrets");
				secretBacked.add(name);
			}
		}
		assertThat(secretBacked).contains("SPRING_DATASOURCE_PASSWORD", "TOLLGATE_JIRA_WEBHOOK_SECRETS",
				"TOLLGATE_JIRA_API_TOKEN", "TOLLGATE_ADMIN_BOOTSTRAP_TOKEN", "TOLLGATE_GITHUB_WEBHOOK_SECRETS",
				"TOLLGATE_GITLAB_WEBHOOK_TOKENS", "TOLLGATE_JENKINS_WEBHOOK_SECRETS");
		for (JsonNode configMap : ofKind(manifests, "ConfigMap")) {
			assertThat(configMap.path("data").propertyNames()).doesNotContainAnyElementsOf(SECRET_ENV);
		}
	}

	@Test
	void requiredSecretKeysAreRequiredAndOptionalOnesOptional() {
		Map<String, JsonNode> env = envByName(appContainer(defaultManifests));

		assertThat(env.get("SPRING_DATASOURCE_PASSWORD").at("/valueFrom/secretKeyRef/optional").asBoolean(false))
			.isFalse();
		assertThat(env.get("TOLLGATE_JIRA_WEBHOOK_SECRETS").at("/valueFrom/secretKeyRef/optional").asBoolean(false))
			.isFalse();
		assertThat(env.get("TOLLGATE_GITHUB_WEBHOOK_SECRETS").at("/valueFrom/secretKeyRef/optional").asBoolean(false))
			.isTrue();
		assertThat(env.get("SPRING_DATASOURCE_PASSWORD").at("/valueFrom/secretKeyRef/name").asString())
			.as("without existingSecret, the Secret is named after the release")
			.isEqualTo("tollgate");
	}

	@Test
	void valuesFileHoldsNoSecretValues() {
		Map<String, String> offending = new TreeMap<>();
		collectSecretLookingValues(readYaml(CHART.resolve("values.yaml")), "", offending);

		assertThat(offending).isEmpty();
	}

	@Test
	void schemaRejectsInvalidAndUnknownValues() {
		assertThatThrownBy(() -> render("image.pullPolicy=Sometimes")).hasMessageContaining("pullPolicy");
		assertThatThrownBy(() -> render("databasePassword=hunter2")).hasMessageContaining("databasePassword");
	}

	@Test
	void twoReplicasComeWithADisruptionBudgetOverTheSamePods() {
		JsonNode deployment = single(defaultManifests, "Deployment");
		JsonNode pdb = single(defaultManifests, "PodDisruptionBudget");

		assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
		assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
		JsonNode selector = deployment.at("/spec/selector/matchLabels");
		assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(selector);
		assertThat(single(defaultManifests, "Service").at("/spec/selector")).isEqualTo(selector);
		JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
		selector.forEachEntry((key, value) -> assertThat(podLabels.path(key)).as(key).isEqualTo(value));
	}

	@Test
	void aSingleReplicaGetsNoDisruptionBudgetThatWouldBlockDrains() {
		assertThat(kinds(render("replicaCount=1"))).doesNotContain("PodDisruptionBudget");
	}

	@Test
	void autoscalingLeavesReplicasToTheAutoscalerAndKeepsTheBudget() {
		List<JsonNode> manifests = render("autoscaling.enabled=true");

		assertThat(single(manifests, "Deployment").at("/spec/replicas").isMissingNode()).isTrue();
		assertThat(single(manifests, "HorizontalPodAutoscaler").at("/spec/minReplicas").asInt()).isEqualTo(2);
		assertThat(kinds(manifests)).contains("PodDisruptionBudget");
	}

	@Test
	void gracefulTerminationOutlastsTheJobLease() {
		JsonNode pod = single(defaultManifests, "Deployment").at("/spec/template/spec");
		int grace = pod.path("terminationGracePeriodSeconds").asInt();
		Duration lease = Duration
			.parse("PT" + configMapData(defaultManifests).path("TOLLGATE_JOBS_LEASE").asString().toUpperCase());

		assertThat(grace).isGreaterThan(60).isGreaterThan((int) lease.toSeconds());
		JsonNode preStop = appContainer(defaultManifests).at("/lifecycle/preStop/exec/command");
		assertThat(Integer.parseInt(preStop.get(1).asString())).isLessThan(grace - (int) lease.toSeconds());
	}

	@Test
	void topologySpreadAndWritableTmpAreConfigured() {
		JsonNode pod = single(defaultManifests, "Deployment").at("/spec/template/spec");

		assertThat(pod.path("topologySpreadConstraints")).extracting((c) -> c.path("topologyKey").asString())
			.containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
		assertThat(pod.path("volumes")).anySatisfy((volume) -> {
			assertThat(volume.path("name").asString()).isEqualTo("tmp");
			assertThat(volume.has("emptyDir")).isTrue();
		});
		assertThat(appContainer(defaultManifests).path("volumeMounts"))
			.anySatisfy((mount) -> assertThat(mount.path("mountPath").asString()).isEqualTo("/tmp"));
	}

	@Test
	void podsMigrateAsTheSchemaOwnerAndGrantTheApplicationRole() {
		JsonNode data = configMapData(defaultManifests);

		assertThat(data.path("SPRING_DATASOURCE_USERNAME").asString()).isEqualTo("tollgate_app");
		assertThat(data.path("SPRING_FLYWAY_USER").asString()).isEqualTo("tollgate");
		assertThat(data.path("TOLLGATE_DB_APP_ROLE").asString()).isEqualTo("tollgate_app");
		assertThat(envByName(appContainer(defaultManifests)).get("SPRING_FLYWAY_PASSWORD")
			.at("/valueFrom/secretKeyRef/key")
			.asString()).isEqualTo("SPRING_FLYWAY_PASSWORD");
	}

	@Test
	void auditRetentionThroughExtraEnvIsRefusedBecauseTheMigrationWouldNotSeeIt() {
		assertThatThrownBy(() -> render("config.extraEnv.TOLLGATE_AUDIT_RETENTION=400d"))
			.hasMessageContaining("set config.audit.retention");
	}

	@Test
	void migrationJobIsAPreInstallAndPreUpgradeHook() throws IOException {
		String template = Files.readString(CHART.resolve("templates/migration-job.yaml"));

		assertThat(template).contains("helm.sh/hook: pre-install,pre-upgrade")
			.contains("helm.sh/hook-delete-policy: before-hook-creation");
	}

	@Test
	void migrationJobRunsMigrateOnlyAsTheOwnerAndPodsStopMigrating(@TempDir Path tmp) throws IOException {
		// helm-java renders the release manifest only, without hooks: render a copy of
		// the chart in
		// which the Job is an ordinary object (the hook annotations are checked in the
		// test above).
		Path chart = copyChart(tmp);
		Path job = chart.resolve("templates/migration-job.yaml");
		Files.writeString(job,
				Files.readString(job)
					.lines()
					.filter((line) -> !line.contains("helm.sh/hook"))
					.collect(Collectors.joining("\n", "", "\n")));
		List<JsonNode> manifests = render(chart, "migration.job.enabled=true", "existingSecret=tollgate-secrets",
				"config.audit.retention=400d");

		JsonNode pod = single(manifests, "Job").at("/spec/template/spec");
		JsonNode container = pod.at("/containers/0");
		Map<String, JsonNode> env = envByName(container);
		assertThat(env.get("TOLLGATE_MIGRATE_ONLY").path("value").asString()).isEqualTo("true");
		assertThat(env.get("SPRING_DATASOURCE_USERNAME").path("value").asString()).isEqualTo("tollgate");
		assertThat(env.get("SPRING_DATASOURCE_PASSWORD").at("/valueFrom/secretKeyRef/key").asString())
			.isEqualTo("SPRING_FLYWAY_PASSWORD");
		assertThat(env.get("TOLLGATE_DB_APP_ROLE").path("value").asString()).isEqualTo("tollgate_app");
		// The migration writes the audit retention floor (V16): it must see the pods'
		// retention.
		assertThat(env.get("TOLLGATE_AUDIT_RETENTION").path("value").asString()).isEqualTo("400d");
		assertThat(configMapData(manifests).path("TOLLGATE_AUDIT_RETENTION").asString()).isEqualTo("400d");
		assertHardened(pod, container);
		assertThat(pod.path("restartPolicy").asString()).isEqualTo("Never");

		JsonNode serviceSelector = single(manifests, "Service").at("/spec/selector");
		JsonNode jobLabels = single(manifests, "Job").at("/spec/template/metadata/labels");
		assertThat(matches(serviceSelector, jobLabels)).as("the Service must not route webhooks to the Job").isFalse();

		assertThat(configMapData(manifests).path("SPRING_FLYWAY_ENABLED").asString()).isEqualTo("false");
		assertThat(envByName(appContainer(manifests))).doesNotContainKey("SPRING_FLYWAY_PASSWORD");
	}

	@Test
	void alertRulesCoverTheOperationalSignalsWithContractMetrics() {
		JsonNode rules = single(render("metrics.prometheusRule.enabled=true"), "PrometheusRule")
			.at("/spec/groups/0/rules");
		Map<String, String> exprByAlert = new TreeMap<>();
		rules.forEach((rule) -> exprByAlert.put(rule.path("alert").asString(), rule.path("expr").asString()));

		assertThat(exprByAlert).containsOnlyKeys("TollgateDeadJobs", "TollgateJobQueueStalled",
				"TollgateWebhookSignatureRejections", "TollgateTriggerFailureRatio", "TollgateNoWebhooks");
		assertThat(exprByAlert.get("TollgateDeadJobs")).contains("tollgate_jobs_dead").endsWith("> 0");
		assertThat(exprByAlert.get("TollgateJobQueueStalled")).contains("tollgate_jobs_oldest_pending_age_seconds");
		// A sender signing with another method is a rejected signature too, counted
		// apart.
		assertThat(exprByAlert.get("TollgateWebhookSignatureRejections")).contains("tollgate_webhooks_received_total")
			.contains("status=~\"UNAUTHORIZED|UNKNOWN_SIGNATURE_METHOD\"");
		assertThat(exprByAlert.get("TollgateTriggerFailureRatio")).contains("tollgate_triggers_total");
		assertThat(exprByAlert.get("TollgateNoWebhooks")).contains("tollgate_webhooks_received_total")
			.contains("day_of_week()")
			.contains("hour()");
		assertThat(metricFamilies(exprByAlert.values())).isSubsetOf(CONTRACT_METRICS);
		rules.forEach((rule) -> assertThat(rule.at("/labels/severity").asString()).isNotEmpty());
	}

	@Test
	void dashboardChartsEveryContractMetricAndShipsInALabelledConfigMap() throws IOException {
		String file = Files.readString(CHART.resolve("dashboards/tollgate.json"));
		JsonNode dashboard = JSON.readTree(file);
		List<String> exprs = dashboard.findValues("expr").stream().map(JsonNode::asString).toList();

		assertThat(metricFamilies(exprs)).containsExactlyInAnyOrderElementsOf(CONTRACT_METRICS);
		assertThat(dashboard.path("uid").asString()).isNotEmpty();

		JsonNode configMap = ofKind(render("metrics.dashboards.enabled=true"), "ConfigMap").stream()
			.filter((cm) -> cm.at("/data/tollgate.json").isString())
			.findFirst()
			.orElseThrow();
		assertThat(configMap.at("/metadata/labels/grafana_dashboard").asString()).isEqualTo("1");
		assertThat(JSON.readTree(configMap.at("/data/tollgate.json").asString())).isEqualTo(dashboard);
	}

	// ---- Docker Compose
	// -------------------------------------------------------------------------------

	@Test
	void composeRunsPostgresAndTollgateAndTheDemoProfile() {
		JsonNode services = compose().path("services");

		assertThat(services.propertyNames()).containsExactlyInAnyOrder("postgres", "tollgate", "jira-stub",
				"github-stub", "prometheus", "demo-loader");
		JsonNode postgres = services.path("postgres");
		assertThat(postgres.path("image").asString()).isEqualTo("postgres:17");
		assertThat(postgres.at("/healthcheck/test").toString()).contains("pg_isready");
		assertThat(postgres.path("volumes")).extracting(JsonNode::asString)
			.contains("postgres-data:/var/lib/postgresql/data");
		assertThat(compose().path("volumes").has("postgres-data")).isTrue();

		JsonNode tollgate = services.path("tollgate");
		assertThat(tollgate.at("/build/context").asString()).isEqualTo(".");
		assertThat(tollgate.at("/depends_on/postgres/condition").asString()).isEqualTo("service_healthy");
		assertThat(tollgate.path("read_only").asBoolean()).isTrue();
		assertThat(postgres.has("profiles") || tollgate.has("profiles")).isFalse();
		for (String demo : List.of("jira-stub", "github-stub", "prometheus", "demo-loader")) {
			assertThat(services.path(demo).path("profiles")).as(demo)
				.extracting(JsonNode::asString)
				.containsExactly("demo");
		}
		assertThat(services.at("/jira-stub/image").asString()).startsWith("wiremock/wiremock:");
		assertThat(services.at("/github-stub/image").asString()).startsWith("wiremock/wiremock:");
		assertThat(services.at("/prometheus/image").asString()).startsWith("prom/prometheus:");
	}

	@Test
	void composeAppUsesTheLeastPrivilegedRoleAndTheDemoStubs() throws IOException {
		JsonNode env = compose().at("/services/tollgate/environment");

		assertThat(env.path("SPRING_DATASOURCE_USERNAME").asString()).isEqualTo("tollgate_app");
		assertThat(env.path("SPRING_FLYWAY_USER").asString()).isEqualTo("tollgate");
		assertThat(env.path("TOLLGATE_DB_APP_ROLE").asString()).isEqualTo("tollgate_app");
		assertThat(composeDefault(env.path("TOLLGATE_JIRA_BASE_URL").asString())).isEqualTo("http://jira-stub:8080");
		assertThat(composeDefault(env.path("TOLLGATE_OUTBOUND_ALLOW_HTTP").asString())).isEqualTo("true");
		assertThat(composeDefault(env.path("TOLLGATE_JIRA_WEBHOOK_SECRETS").asString())).isEqualTo(composeDefault(
				compose().at("/services/demo-loader/environment/TOLLGATE_JIRA_WEBHOOK_SECRETS").asString()));

		String init = Files.readString(ROOT.resolve("deploy/compose/postgres-init/10-roles.sh"));
		assertThat(init).contains("CREATE ROLE tollgate LOGIN").contains("CREATE ROLE tollgate_app LOGIN");
		assertThat(init).as("table privileges come from the migrations' afterMigrate callback")
			.doesNotContainPattern("(?i)GRANT\\s+(ALL|UPDATE|DELETE)");
	}

	@Test
	void composeFilesExistAndEnvExampleListsEveryVariable() throws IOException {
		JsonNode services = compose().path("services");
		services.forEachEntry((name, service) -> service.path("volumes").forEach((volume) -> {
			String source = volume.asString().split(":")[0];
			if (source.startsWith("./")) {
				assertThat(ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
			}
		}));

		String compose = Files.readAllLines(ROOT.resolve("docker-compose.yml"))
			.stream()
			.filter((line) -> !line.trim().startsWith("#"))
			.collect(Collectors.joining("\n"));
		Set<String> envExample = Files.readAllLines(ROOT.resolve(".env.example"))
			.stream()
			.filter((line) -> line.matches("[A-Z_][A-Z0-9_]*=.*"))
			.map((line) -> line.substring(0, line.indexOf('=')))
			.collect(Collectors.toSet());
		Matcher variable = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)").matcher(compose);
		Set<String> used = new TreeSet<>();
		while (variable.find()) {
			used.add(variable.group(1));
		}
		assertThat(used).isNotEmpty();
		assertThat(envExample).containsAll(used);
		assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env", "target/");
		assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains(".env", "target/");
	}

	@Test
	void wiremockStubsAnswerTheCallsOfTheDemo() {
		Path jira = ROOT.resolve("deploy/compose/wiremock/jira/mappings");
		Path github = ROOT.resolve("deploy/compose/wiremock/github/mappings");

		JsonNode comment = stubFor(jira, "POST", "/rest/api/3/issue/SHOP-42/comment");
		assertThat(comment.at("/response/status").asInt()).isEqualTo(201);
		assertThat(comment.at("/response/jsonBody/id").asString()).isEqualTo("10500");
		JsonNode groups = stubFor(jira, "GET", "/rest/api/3/user/groups");
		assertThat(groups.at("/response/jsonBody").isArray()).isTrue();
		assertThat(groups.at("/response/jsonBody").size()).isZero();
		JsonNode dispatch = stubFor(github, "POST", "/repos/acme/shop/actions/workflows/deploy.yml/dispatches");
		assertThat(dispatch.at("/response/status").asInt()).isEqualTo(200);
		assertThat(dispatch.at("/response/jsonBody/workflow_run_id").asInt()).isEqualTo(4711);
		assertThat(dispatch.at("/response/jsonBody").propertyNames()).contains("run_url", "html_url");
	}

	@Test
	void demoPolicyIsConsistentAndMatchesTheSignedTransition() throws IOException {
		JsonNode policy = JSON.readTree(ROOT.resolve("deploy/compose/demo/policy.json").toFile());
		Set<String> roles = names(policy.path("roles"));
		Set<String> targets = names(policy.path("targets"));

		assertThat(policy.propertyNames()).containsExactlyInAnyOrder("roles", "bindings", "targets", "rules");
		policy.path("bindings").forEach((binding) -> {
			assertThat(roles).contains(binding.path("role").asString());
			assertThat(binding.path("subjectType").asString()).isIn("USER", "GROUP", "PROJECT_ROLE");
		});
		JsonNode rule = policy.at("/rules/0");
		assertThat(targets).contains(rule.path("target").asString());
		assertThat(roles).containsAll(rule.path("allowedRoles").valueStream().map(JsonNode::asString).toList());
		JsonNode target = policy.at("/targets/0");
		assertThat(target.path("baseUrl").asString()).isEqualTo("http://github-stub:8080");
		assertThat(target.path("credentialRef").asString()).startsWith("env:");
		assertThat(compose().at("/services/tollgate/environment")
			.has(target.path("credentialRef").asString().substring(4)))
			.as("the target's credential is passed to the container")
			.isTrue();

		String transition = Files.readString(ROOT.resolve("deploy/compose/demo/transition.json.tmpl"));
		assertThat(transition).contains("\"webhookEvent\": \"jira:issue_updated\"")
			.contains("\"key\": \"" + rule.path("projectKey").asString() + "\"")
			.contains("\"toString\": \"" + rule.path("toStatus").asString() + "\"");
		String loader = Files.readString(ROOT.resolve("deploy/compose/demo/load-demo.sh"));
		assertThat(loader).contains("X-Hub-Signature: sha256=", "X-Atlassian-Webhook-Identifier",
				"openssl dgst -sha256 -hmac", "-X PUT", "/api/v1/policy", "Authorization: Bearer $ADMIN_TOKEN",
				"/webhooks/jira");
	}

	@Test
	void prometheusScrapesTollgate() {
		JsonNode job = readYaml(ROOT.resolve("deploy/compose/prometheus/prometheus.yml")).at("/scrape_configs/0");

		assertThat(job.path("metrics_path").asString()).isEqualTo("/actuator/prometheus");
		assertThat(job.at("/static_configs/0/targets/0").asString()).isEqualTo("tollgate:8080");
	}

	// ---- Dockerfile -----------------------------------------------------

	@Test
	void imageRunsAsANonRootUserAndExposesThePortTheProbesUse() {
		String[] user = dockerfileInstruction("USER").split(":");
		int port = Integer.parseInt(dockerfileInstruction("EXPOSE"));

		assertThat(Integer.parseInt(user[0])).as("numeric, non-root UID").isPositive();
		assertThat(Integer.parseInt(user[1])).as("numeric, non-root GID").isPositive();
		assertThat(appContainer(defaultManifests).path("ports"))
			.anySatisfy((containerPort) -> assertThat(containerPort.path("containerPort").asInt()).isEqualTo(port));
	}

	/**
	 * The rendered chart, with every optional feature on, is valid against the Kubernetes
	 * API's schemas and the Prometheus Operator's CRDs (scripts/validate-manifests.mjs,
	 * when npm ci has installed the schemas; CI always has them).
	 */
	@Test
	void renderedManifestsMatchTheKubernetesSchemas(@TempDir Path tmp) throws Exception {
		List<JsonNode> manifests = new ArrayList<>(defaultManifests);
		manifests.addAll(render(ALL_OPTIONAL_FEATURES));
		SchemaCheck check = validateSchemas(tmp, manifests);
		assertThat(check.exitCode()).as(check.output()).isZero();
		assertThat(check.output()).contains(manifests.size() + " manifests, 0 invalid");
	}

	@Test
	void theSchemaCheckFindsAFieldOfTheWrongType(@TempDir Path tmp) throws Exception {
		JsonNode deployment = single(defaultManifests, "Deployment").deepCopy();
		((tools.jackson.databind.node.ObjectNode) deployment.at("/spec/template/spec/containers/0/ports/0"))
			.put("containerPort", "8080");
		SchemaCheck check = validateSchemas(tmp, List.of(deployment));
		assertThat(check.exitCode()).isEqualTo(1);
		assertThat(check.output()).contains("containerPort must be integer");
	}

	private static SchemaCheck validateSchemas(Path tmp, List<JsonNode> manifests) throws Exception {
		org.junit.jupiter.api.Assumptions.assumeTrue(
				Files.isRegularFile(ROOT.resolve("node_modules/kubernetes-models/package.json")),
				"the Kubernetes schemas are not installed: run npm ci");
		Path file = tmp.resolve("manifests.json");
		Files.writeString(file, JsonMapper.builder().build().writeValueAsString(manifests));
		Process process;
		try {
			process = new ProcessBuilder("node", "scripts/validate-manifests.mjs", file.toString())
				.directory(ROOT.toFile())
				.redirectErrorStream(true)
				.start();
		}
		catch (IOException ex) {
			org.junit.jupiter.api.Assumptions.assumeTrue(false, "node is not on the PATH");
			throw ex;
		}
		String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		return new SchemaCheck(process.exitValue(), output);
	}

	private record SchemaCheck(int exitCode, String output) {
	}

	// ---- helpers
	// ----------------------------------------------------------------------------------

	private static List<JsonNode> render(String... sets) {
		return render(CHART, sets);
	}

	/**
	 * Renders with the given values and, unless they name one, a database URL (the chart
	 * requires one).
	 */
	private static List<JsonNode> render(Path chart, String... sets) {
		if (Stream.of(sets).noneMatch((set) -> set.startsWith("database.url="))) {
			sets = Stream.concat(Stream.of("database.url=" + DATABASE_URL), Stream.of(sets)).toArray(String[]::new);
		}
		return renderExactly(chart, sets);
	}

	private static List<JsonNode> renderExactly(Path chart, String... sets) {
		TemplateCommand template = new Helm(chart).template().withName("tollgate").withNamespace("tollgate");
		for (String set : sets) {
			int equals = set.indexOf('=');
			template = template.set(set.substring(0, equals), set.substring(equals + 1));
		}
		try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(template.call())) {
			return documents.readAll().stream().filter((document) -> document != null && document.has("kind")).toList();
		}
	}

	private static Path copyChart(Path target) throws IOException {
		try (Stream<Path> files = Files.walk(CHART)) {
			for (Path source : files.toList()) {
				Path copy = target.resolve(CHART.relativize(source).toString());
				if (Files.isDirectory(source)) {
					Files.createDirectories(copy);
				}
				else {
					Files.copy(source, copy);
				}
			}
		}
		return target;
	}

	private static List<String> kinds(List<JsonNode> manifests) {
		return manifests.stream().map((manifest) -> manifest.path("kind").asString()).toList();
	}

	private static List<JsonNode> ofKind(List<JsonNode> manifests, String kind) {
		return manifests.stream().filter((manifest) -> kind.equals(manifest.path("kind").asString())).toList();
	}

	private static JsonNode single(List<JsonNode> manifests, String kind) {
		List<JsonNode> found = ofKind(manifests, kind);
		assertThat(found).as("exactly one %s in %s", kind, kinds(manifests)).hasSize(1);
		return found.get(0);
	}

	private static JsonNode appContainer(List<JsonNode> manifests) {
		JsonNode containers = single(manifests, "Deployment").at("/spec/template/spec/containers");
		assertThat(containers.size()).isEqualTo(1);
		return containers.get(0);
	}

	private static JsonNode configMapData(List<JsonNode> manifests) {
		return ofKind(manifests, "ConfigMap").stream()
			.filter((cm) -> cm.at("/data/SPRING_DATASOURCE_URL").isString())
			.findFirst()
			.orElseThrow()
			.path("data");
	}

	private static Map<String, JsonNode> envByName(JsonNode container) {
		Map<String, JsonNode> env = new LinkedHashMap<>();
		container.path("env").forEach((variable) -> env.put(variable.path("name").asString(), variable));
		return env;
	}

	private static void assertHardened(JsonNode pod, JsonNode container) {
		assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
		assertThat(pod.at("/securityContext/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
		JsonNode context = container.path("securityContext");
		assertThat(context.path("runAsNonRoot").asBoolean()).isTrue();
		assertThat(context.path("readOnlyRootFilesystem").asBoolean()).isTrue();
		assertThat(context.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
		assertThat(context.at("/capabilities/drop")).extracting(JsonNode::asString).containsExactly("ALL");
		assertThat(context.at("/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
	}

	private static boolean matches(JsonNode selector, JsonNode labels) {
		return selector.properties().stream().allMatch((entry) -> entry.getValue().equals(labels.path(entry.getKey())));
	}

	/**
	 * Leaves of values.yaml whose key names a credential must be empty: secrets live in
	 * the Secret.
	 */
	private static void collectSecretLookingValues(JsonNode node, String path, Map<String, String> offending) {
		node.forEachEntry((key, value) -> {
			String here = path.isEmpty() ? key : path + "." + key;
			if (value.isObject()) {
				collectSecretLookingValues(value, here, offending);
			}
			else if (value.isValueNode() && !key.equals("existingSecret")
					&& key.matches("(?i).*(password|passwd|token|secret|apikey|api_key|credential).*")
					&& !value.asString().isEmpty()) {
				offending.put(here, value.asString());
			}
		});
	}

	private static Set<String> metricFamilies(Iterable<String> expressions) {
		Set<String> families = new LinkedHashSet<>();
		for (String expression : expressions) {
			Matcher metric = METRIC_NAME.matcher(expression);
			while (metric.find()) {
				families.add(metric.group().replaceFirst("_(bucket|sum|count)$", ""));
			}
		}
		return families;
	}

	private static JsonNode compose() {
		return readYaml(ROOT.resolve("docker-compose.yml"));
	}

	/** The default of a Compose interpolation such as ${NAME-default}. */
	private static String composeDefault(String value) {
		Matcher interpolation = Pattern.compile("\\$\\{[A-Z_][A-Z0-9_]*:?-(.*)}").matcher(value);
		assertThat(interpolation.matches()).as("%s has a default", value).isTrue();
		return interpolation.group(1);
	}

	private static JsonNode stubFor(Path mappings, String method, String url) {
		try (Stream<Path> files = Files.list(mappings)) {
			List<JsonNode> stubs = files.filter((file) -> file.toString().endsWith(".json"))
				.map((file) -> JSON.readTree(file.toFile()))
				.filter((stub) -> method.equals(stub.at("/request/method").asString()))
				.filter((stub) -> {
					JsonNode request = stub.path("request");
					if (request.has("url")) {
						return request.path("url").asString().equals(url);
					}
					if (request.has("urlPath")) {
						return request.path("urlPath").asString().equals(url);
					}
					return request.has("urlPathPattern") && url.matches(request.path("urlPathPattern").asString());
				})
				.toList();
			assertThat(stubs).as("stub for %s %s in %s", method, url, mappings).hasSize(1);
			return stubs.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Set<String> names(JsonNode array) {
		return array.valueStream().map((item) -> item.path("name").asString()).collect(Collectors.toSet());
	}

	private static String dockerfileInstruction(String instruction) {
		try {
			List<String> found = Files.readAllLines(ROOT.resolve("Dockerfile"))
				.stream()
				.filter((line) -> line.startsWith(instruction + " "))
				.map((line) -> line.substring(instruction.length() + 1).trim())
				.toList();
			assertThat(found).as("one %s instruction", instruction).hasSize(1);
			return found.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static JsonNode readYaml(Path file) {
		return YAML.readTree(file.toFile());
	}

}
