package dev.tollgate.jira;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The projects whose role look-ups Jira currently denies Tollgate's account (it lacks
 * <em>Administer Projects</em> there), for {@code tollgate_jira_project_roles_denied} and
 * the {@code jira} health component. A project leaves the set when a look-up of its roles
 * succeeds or Jira says it is gone.
 * <p>
 * The health status stays UP: the deliveries are stored and their evaluations retried,
 * and taking replicas out of service would only stop Jira's webhooks from being accepted
 * too. The details say what is denied and since when. Per replica: each one knows what it
 * was last told.
 */
@Component("jiraHealthIndicator")
class ProjectRoleAccess implements HealthIndicator {

	static final String PERMISSION = "Administer Projects";

	private final Map<String, Instant> denied = new ConcurrentHashMap<>();

	private final Clock clock;

	@Autowired
	ProjectRoleAccess(MeterRegistry registry) {
		this(registry, Clock.systemUTC());
	}

	ProjectRoleAccess(MeterRegistry registry, Clock clock) {
		this.clock = clock;
		Gauge.builder("tollgate.jira.project.roles.denied", this.denied, Map::size)
			.description("Projects whose role look-ups Jira denies Tollgate's account (missing " + PERMISSION + ")")
			.register(registry);
	}

	/** Whether this is news (the project was not denied already). */
	boolean denied(String projectKey) {
		return this.denied.putIfAbsent(projectKey, this.clock.instant()) == null;
	}

	void answered(String projectKey) {
		this.denied.remove(projectKey);
	}

	/** Project key to the time its look-ups were first denied, in key order. */
	Map<String, Instant> deniedProjects() {
		return new TreeMap<>(this.denied);
	}

	@Override
	public Health health() {
		Map<String, Instant> projects = deniedProjects();
		if (projects.isEmpty()) {
			return Health.up().build();
		}
		return Health.up()
			.withDetail("projectRoles", "DENIED")
			.withDetail("missingPermission", PERMISSION)
			.withDetail("deniedProjects", projects)
			.withDetail("effect",
					"transitions and votes that depend on these projects' roles wait and are retried until the "
							+ "Jira account is granted " + PERMISSION)
			.build();
	}

}
