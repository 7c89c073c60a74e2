package dev.tollgate.pipeline;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.tollgate.pipeline.support.Secret;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.Target;
import org.springframework.stereotype.Service;

/**
 * How the gate module reaches a CI system: the provider of the target's kind, with the
 * target's credential resolved at use (never stored, never logged).
 */
@Service
public class GateAnswers {

	private final Map<Target.Kind, DeploymentGates.Answers> providers;

	private final Map<Target.Kind, PipelineProvider> pipelines;

	private final Credentials credentials;

	private final PipelineRuns runs;

	private final RunConfirmations confirmations;

	GateAnswers(List<DeploymentGates.Answers> providers, List<PipelineProvider> pipelines, Credentials credentials,
			PipelineRuns runs, RunConfirmations confirmations) {
		this.runs = runs;
		this.confirmations = confirmations;
		this.providers = providers.stream()
			.collect(Collectors.toUnmodifiableMap(DeploymentGates.Answers::kind, Function.identity()));
		this.pipelines = pipelines.stream()
			.collect(Collectors.toUnmodifiableMap(PipelineProvider::kind, Function.identity()));
		this.credentials = credentials;
	}

	/** See {@link DeploymentGates.Answers#refusal}. */
	public String refusal(Target target, GateAsk ask) {
		DeploymentGates.Answers provider = this.providers.get(target.kind());
		return (provider != null) ? provider.refusal(target, ask) : "a " + target.kind() + " target cannot gate";
	}

	/** See {@link DeploymentGates.Answers#askedOf}. */
	public GateAsk askedOf(Target target, GateAsk ask) {
		String scope = scope(target);
		DeploymentGates.Answers provider = this.providers.get(target.kind());
		if (provider == null) {
			return (ask.scope() != null && ask.scope().equals(scope)) ? ask : null;
		}
		return provider.askedOf(target, scope, ask);
	}

	/**
	 * See {@link DeploymentGates.Answers#completed}; and, where the decision id a
	 * question names is the run's own word (Jenkins), that decision id kept only when it
	 * is not what finds the run (a run found by the run id Tollgate learnt) or the CI
	 * system confirms the run carries it (see {@link RunConfirmations}).
	 */
	public GateAsk completed(Target target, GateAsk ask) {
		return call(
				() -> this.confirmations.confirm(target, provider(target).completed(target, ask, credential(target))));
	}

	/** A run Tollgate started, as recorded when it was started. */
	public record StartedRun(java.util.UUID decisionId, String target, String runId, String runUrl) {
	}

	/**
	 * The run Tollgate started that asks: found by its run id in its home, or by a
	 * decision id it carries (see {@link PipelineRuns}).
	 */
	@org.springframework.transaction.annotation.Transactional(readOnly = true)
	public java.util.Optional<StartedRun> startedRun(GateAsk ask, java.util.Collection<java.util.UUID> decisionIds) {
		java.util.Collection<java.util.UUID> ids = decisionIds;
		if (this.confirmations.confirming(ask.provider().name())) {
			// Only the decision id checked by completed() counts: one found in the
			// question's texts is the run's word, unconfirmed.
			ids = (ask.decisionId() != null && decisionIds.contains(ask.decisionId())) ? List.of(ask.decisionId())
					: List.of();
		}
		return this.runs.find(ask.provider(), ask.scope(), ask.runId(), ids);
	}

	/** See {@link DeploymentGates.Answers#moreTexts}. */
	public List<String> moreTexts(Target target, GateAsk ask) {
		return call(() -> provider(target).moreTexts(target, ask, credential(target)));
	}

	/** Tells the CI system; throws {@link Unanswered} if it could not be told. */
	public void answer(Target target, Gate gate, GateAsk ask, boolean approved, String comment) {
		call(() -> {
			provider(target).answer(target, gate, ask, approved, comment, credential(target));
			return null;
		});
	}

	public void note(Target target, GateAsk ask, String comment) {
		call(() -> {
			provider(target).note(target, ask, comment, credential(target));
			return null;
		});
	}

	public List<GateAsk> waiting(Target target, Gate gate) {
		return call(() -> provider(target).waiting(target, gate, credential(target)));
	}

	private static <T> T call(java.util.function.Supplier<T> call) {
		try {
			return call.get();
		}
		catch (TriggerFailure ex) {
			throw new Unanswered(ex.getMessage(), ex.permanent(), ex.retryAfter());
		}
		catch (RuntimeException ex) {
			throw new Unanswered("The CI system could not be reached: " + ex.getClass().getSimpleName(), false, null);
		}
	}

	/**
	 * The CI system could not be asked or told.
	 *
	 * @param permanent trying again cannot help
	 * @param retryAfter when the CI system asked to be tried again, or {@code null}
	 */
	public static final class Unanswered extends RuntimeException {

		private final boolean permanent;

		private final transient java.time.Instant retryAfter;

		Unanswered(String message, boolean permanent, java.time.Instant retryAfter) {
			super(message);
			this.permanent = permanent;
			this.retryAfter = retryAfter;
		}

		public boolean permanent() {
			return this.permanent;
		}

		public java.time.Instant retryAfter() {
			return this.retryAfter;
		}

	}

	/**
	 * Whether the target's CI system is asked for its waiting deployments (see
	 * {@link DeploymentGates.Answers#polled}).
	 */
	public boolean polls(Target target) {
		DeploymentGates.Answers provider = this.providers.get(target.kind());
		return provider != null && provider.polled();
	}

	/** Where the target's runs live, as {@link GateAsk#scope()} names it. */
	public String scope(Target target) {
		PipelineProvider pipeline = this.pipelines.get(target.kind());
		return (pipeline != null) ? pipeline.runScope(target) : null;
	}

	private DeploymentGates.Answers provider(Target target) {
		DeploymentGates.Answers provider = this.providers.get(target.kind());
		if (provider == null) {
			throw TriggerFailure.permanent("No gate provider for " + target.kind() + " targets is installed.");
		}
		return provider;
	}

	private Secret credential(Target target) {
		return this.credentials.resolve(target.credentialRef());
	}

}
