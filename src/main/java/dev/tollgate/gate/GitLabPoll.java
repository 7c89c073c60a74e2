package dev.tollgate.gate;

import java.time.Duration;

import dev.tollgate.pipeline.DeploymentGates;
import dev.tollgate.pipeline.GateAnswers;
import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Asks GitLab, every {@code tollgate.gates.poll-interval}, for the deployments blocked in
 * each gated environment: a deployment webhook can be lost, and a blocked deployment
 * nobody answers waits forever. What the poll finds goes through the same intake as a
 * webhook, so a deployment both bring is reviewed once.
 */
@Component
class GitLabPoll implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(GitLabPoll.class);

	private final PolicySnapshots snapshots;

	private final GateAnswers answers;

	private final DeploymentGates intake;

	private final Duration interval;

	GitLabPoll(PolicySnapshots snapshots, GateAnswers answers, DeploymentGates intake, GateProperties properties) {
		this.snapshots = snapshots;
		this.answers = answers;
		this.intake = intake;
		this.interval = properties.pollInterval();
	}

	/**
	 * Scheduled from the typed setting rather than a placeholder in an annotation, so the
	 * interval is validated once, with the other gate settings, at start-up. The first
	 * poll waits one interval too: nothing can be blocked before start-up.
	 */
	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(new FixedDelayTask(this::poll, this.interval, this.interval));
	}

	void poll() {
		PolicySnapshot snapshot = this.snapshots.current();
		for (Gate gate : snapshot.gates()) {
			Target target = snapshot.target(gate.target()).orElse(null);
			if (!gate.enabled() || target == null || !this.answers.polls(target)) {
				continue;
			}
			try {
				for (GateAsk ask : this.answers.waiting(target, gate)) {
					this.intake.asked(ask);
				}
			}
			catch (RuntimeException ex) {
				log.info("Gate {}: GitLab's blocked deployments could not be read: {}", gate.name(), ex.getMessage());
			}
		}
	}

}
