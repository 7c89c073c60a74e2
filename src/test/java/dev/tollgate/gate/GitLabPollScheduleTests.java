package dev.tollgate.gate;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitLab poll runs every {@code tollgate.gates.poll-interval}, taken from the typed
 * gate settings, and a start with an interval that is not positive fails.
 */
class GitLabPollScheduleTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void thePollRunsEveryConfiguredIntervalAndWaitsOneBeforeTheFirst() {
		this.runner.withPropertyValues("tollgate.gates.poll-interval=7s").run((context) -> {
			GitLabPoll poll = new GitLabPoll(null, null, null, context.getBean(GateProperties.class));
			ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();
			poll.configureTasks(registrar);
			assertThat(registrar.getFixedDelayTaskList()).singleElement().satisfies((task) -> {
				assertThat(task.getIntervalDuration()).isEqualTo(Duration.ofSeconds(7));
				assertThat(task.getInitialDelayDuration()).isEqualTo(Duration.ofSeconds(7));
			});
		});
	}

	@Test
	void theIntervalDefaultsToThirtySeconds() {
		this.runner.run((context) -> assertThat(context.getBean(GateProperties.class).pollInterval())
			.isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void anIntervalThatIsNotPositiveStopsTheStart() {
		for (String interval : new String[] { "0s", "-5s" }) {
			this.runner.withPropertyValues("tollgate.gates.poll-interval=" + interval).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("tollgate.gates.poll-interval must be positive");
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(GateProperties.class)
	static class Config {

	}

}
