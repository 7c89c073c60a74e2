package dev.tollgate.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.Target;
import org.springframework.stereotype.Component;

/**
 * For CI systems whose callbacks come from the pipeline itself (Jenkins,
 * {@link PipelineProvider#confirmsDecisionIds()}), a decision id a callback or gate
 * question names is the run's own word: it finds a run whose id Tollgate did not learn at
 * dispatch only when the CI system confirms that run carries it
 * ({@link PipelineProvider#runDecisionId}). The CI system is asked only then, never for a
 * run matched by the run id Tollgate learnt, and once confirmed the run id is recorded on
 * the run, so each run is asked about at most once. Called outside any transaction: the
 * question goes over the network.
 */
@Component
class RunConfirmations {

	private static final Logger log = LoggerFactory.getLogger(RunConfirmations.class);

	private final Map<Target.Kind, PipelineProvider> providers;

	private final PolicySnapshots snapshots;

	private final Credentials credentials;

	private final PipelineRuns runs;

	RunConfirmations(List<PipelineProvider> providers, PolicySnapshots snapshots, Credentials credentials,
			PipelineRuns runs) {
		this.providers = providers.stream()
			.collect(Collectors.toUnmodifiableMap(PipelineProvider::kind, Function.identity()));
		this.snapshots = snapshots;
		this.credentials = credentials;
		this.runs = runs;
	}

	/** Whether this provider's decision ids count only once confirmed. */
	boolean confirming(String provider) {
		PipelineProvider pipeline = provider(provider);
		return pipeline != null && pipeline.confirmsDecisionIds();
	}

	/**
	 * The report, marked with the run it belongs to
	 * ({@link PipelineCallbacks.Report#confirmedRun}) when it names a decision whose run
	 * id is not known and the CI system says the reported run carries that decision id;
	 * otherwise the report as it came, which then matches only by the run's identity. A
	 * run the CI system does not show, or a target that can no longer be asked, confirms
	 * nothing.
	 * @throws Unconfirmed when the CI system could not be asked now: the report is
	 * neither matched nor refused, and is to be sent again
	 */
	PipelineCallbacks.Report confirm(PipelineCallbacks.Report report) {
		if (!confirming(report.provider()) || report.decisionId() == null || report.runId() == null) {
			return report;
		}
		Target.Kind kind = Target.Kind.valueOf(report.provider());
		Optional<PipelineRuns.Unlearnt> unlearnt = toConfirm(kind, report.scopes(), report.runId(),
				report.decisionId());
		if (unlearnt.isEmpty()) {
			return report;
		}
		PipelineRuns.Unlearnt run = unlearnt.get();
		PipelineProvider provider = this.providers.get(kind);
		Optional<Target> target = this.snapshots.current()
			.target(run.target())
			.filter((t) -> t.kind() == kind && run.runScope().equals(provider.runScope(t)));
		if (target.isEmpty()) {
			log.warn(
					"A {} callback names decision {}, whose run's target '{}' is gone or points elsewhere now: "
							+ "the run cannot be confirmed, so the callback matches nothing.",
					kind, report.decisionId(), run.target());
			return report;
		}
		String carried = ask(provider, target.get(), report.runId());
		if (report.decisionId().toString().equals(carried)) {
			return report.confirmedAs(run.id());
		}
		// Ids and names only: what an operator needs to see a missing permission or a
		// build that claimed a decision not its own.
		log.warn(
				"Run {} of {} names decision {}, whose run id Tollgate did not learn, but {} shows "
						+ "{} for that run (or does not show it to target '{}'): the callback matches nothing.",
				report.runId(), run.runScope(), report.decisionId(), kind,
				(carried != null) ? "another decision id" : "no decision id", target.get().name());
		return report;
	}

	/**
	 * The question with its decision id kept only where it may count: for a confirming
	 * provider, when the run it names is not found by its run id and the CI system
	 * confirms the run carries it. Once confirmed, the run id is recorded on the run.
	 * @throws TriggerFailure transient when the CI system could not be asked now
	 */
	GateAsk confirm(Target target, GateAsk ask) {
		PipelineProvider provider = this.providers.get(target.kind());
		if (provider == null || !provider.confirmsDecisionIds() || ask.decisionId() == null) {
			return ask;
		}
		List<String> scopes = (ask.scope() != null) ? List.of(ask.scope()) : List.of();
		Optional<PipelineRuns.Unlearnt> unlearnt = toConfirm(target.kind(), scopes, ask.runId(), ask.decisionId());
		if (unlearnt.isEmpty()) {
			return ask;
		}
		String carried = (ask.runId() != null)
				? provider.runDecisionId(target, this.credentials.resolve(target.credentialRef()), ask.runId()) : null;
		if (ask.decisionId().toString().equals(carried)) {
			this.runs.learnt(unlearnt.get().id(), ask.runId());
			return ask;
		}
		return new GateAsk(ask.provider(), ask.deliveryId(), ask.scope(), ask.subject(), ask.environment(), ask.runId(),
				ask.runUrl(), null, ask.issueKey(), ask.texts(), ask.answer());
	}

	/**
	 * The run that only the decision id would find, if any: none when the run is known by
	 * its run id (the decision id is not what finds it) or no run of the decision lacks
	 * one.
	 */
	private Optional<PipelineRuns.Unlearnt> toConfirm(Target.Kind kind, List<String> scopes, String runId,
			UUID decisionId) {
		if (this.runs.known(kind, scopes, runId)) {
			return Optional.empty();
		}
		return this.runs.unlearnt(kind, scopes, decisionId);
	}

	/**
	 * The decision id the run carries, as the CI system says; {@code null} when it cannot
	 * tell for good (the run not shown, the credential unusable).
	 */
	private String ask(PipelineProvider provider, Target target, String runId) {
		try {
			return provider.runDecisionId(target, this.credentials.resolve(target.credentialRef()), runId);
		}
		catch (TriggerFailure ex) {
			if (ex.permanent()) {
				log.warn("Run {} of target '{}' could not be confirmed: {}", runId, target.name(), ex.getMessage());
				return null;
			}
			throw new Unconfirmed(ex.getMessage(), ex.retryAfter());
		}
		catch (RuntimeException ex) {
			// Say what kind of failure, not a message that could carry a response body.
			throw new Unconfirmed(target.kind() + " could not be asked: " + ex.getClass().getSimpleName(), null);
		}
	}

	private PipelineProvider provider(String provider) {
		try {
			return this.providers.get(Target.Kind.valueOf(provider));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * The CI system could not be asked whether the run carries the decision id: the
	 * callback is answered as a temporary failure, to be sent again.
	 */
	static final class Unconfirmed extends RuntimeException {

		private final transient Instant retryAfter;

		Unconfirmed(String message, Instant retryAfter) {
			super(message);
			this.retryAfter = retryAfter;
		}

		/** When the CI system asked to be tried again, or {@code null}. */
		Instant retryAfter() {
			return this.retryAfter;
		}

	}

}
