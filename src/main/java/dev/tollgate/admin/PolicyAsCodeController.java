package dev.tollgate.admin;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.tollgate.policy.ActorRoles;
import dev.tollgate.policy.Decision;
import dev.tollgate.policy.Gate;
import dev.tollgate.policy.DecisionEngine;
import dev.tollgate.policy.PolicyChange;
import dev.tollgate.policy.PolicyDocument;
import dev.tollgate.policy.PolicyProblems;
import dev.tollgate.policy.PolicySnapshot;
import dev.tollgate.policy.PolicySnapshots;
import dev.tollgate.policy.PolicyStore;
import dev.tollgate.policy.Transition;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /policy} (the whole policy as one JSON or YAML document) and
 * {@code /policy/explain}.
 */
@RestController
@RequestMapping("/api/v1/policy")
class PolicyAsCodeController {

	static final String YAML = "application/yaml";

	private static final YAMLMapper yaml = YAMLMapper.builder().build();

	/** Policy documents in YAML are read as strictly as JSON ones (StrictRequestJson). */
	private static final YAMLMapper strictYaml = StrictRequestJson.strict(YAMLMapper.builder()).build();

	private final PolicyStore policy;

	private final PolicySnapshots snapshots;

	private final Validator validator;

	PolicyAsCodeController(PolicyStore policy, PolicySnapshots snapshots, Validator validator) {
		this.policy = policy;
		this.snapshots = snapshots;
		this.validator = validator;
	}

	record ApplyResult(boolean dryRun, List<PolicyChange> changes) {
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	PolicyDocument export() {
		return this.policy.export();
	}

	@GetMapping(produces = YAML)
	String exportYaml() {
		return yaml.writeValueAsString(this.policy.export());
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ApplyResult apply(@Valid @RequestBody PolicyDocument document, @RequestParam(defaultValue = "false") boolean dryRun,
			@AuthenticationPrincipal TokenPrincipal caller) {
		return new ApplyResult(dryRun, this.policy.apply(document, dryRun, caller.auditName()));
	}

	@PutMapping(consumes = YAML)
	ApplyResult applyYaml(@RequestBody String body, @RequestParam(defaultValue = "false") boolean dryRun,
			@AuthenticationPrincipal TokenPrincipal caller) {
		PolicyDocument document;
		try {
			document = strictYaml.readValue(body, PolicyDocument.class);
		}
		catch (JacksonException ex) {
			ProblemDetail problem = BodyProblems.of(ex, "YAML");
			throw new ErrorResponseException(HttpStatusCode.valueOf(problem.getStatus()), problem, null);
		}
		if (document == null) {
			throw new IllegalArgumentException("The body is empty.");
		}
		Set<ConstraintViolation<PolicyDocument>> violations = this.validator.validate(document);
		if (!violations.isEmpty()) {
			throw new PolicyProblems.Rejected(violations.stream()
				.map((v) -> new PolicyProblems.FieldProblem(v.getPropertyPath().toString(), v.getMessage()))
				.sorted(Comparator.comparing(PolicyProblems.FieldProblem::field))
				.toList());
		}
		return new ApplyResult(dryRun, this.policy.apply(document, dryRun, caller.auditName()));
	}

	/**
	 * A hypothetical transition. The actor's Jira groups and project roles are given, not
	 * looked up, so explain is deterministic and has no side effects at all.
	 */
	record ExplainRequest(@NotBlank @Size(max = 50) String projectKey, @Size(max = 200) String issueType,
			@Size(max = 200) String fromStatus, @NotBlank @Size(max = 200) String toStatus,
			@Size(max = 200) String actorAccountId, @Size(max = 200) List<@NotNull @Size(max = 255) String> actorGroups,
			@Size(max = 200) List<@NotNull @Size(max = 255) String> actorProjectRoles,
			@Size(max = 200) String environment) {
	}

	/**
	 * What a gate on the request's environment would answer a deployment after this
	 * transition: a run Tollgate starts for it, and a run started elsewhere that names
	 * the issue.
	 *
	 * @param tollgateRun {@code APPROVED}, {@code WAITS} (for the approval) or
	 * {@code REJECTED}
	 * @param linkedRun the same for a run that names the issue
	 */
	record GateAnswer(String name, String target, boolean dryRun, String tollgateRun, String linkedRun, String reason) {
	}

	record MatchedRule(Long id, String name, Decision.Outcome outcome, boolean dryRun, String reason) {
	}

	/**
	 * @param outcome the most restrictive outcome of all matched rules (ERROR, DENIED,
	 * PENDING_APPROVAL, ALLOWED), or IGNORED when none matches
	 */
	record ExplainResult(Decision.Outcome outcome, String reason, List<MatchedRule> matchedRules,
			List<String> actorRoles, long policyVersion, List<GateAnswer> gates) {
	}

	@PostMapping("/explain")
	ExplainResult explain(@Valid @RequestBody ExplainRequest request) {
		PolicySnapshot snapshot = this.snapshots.current();
		Transition transition = new Transition(request.projectKey(), request.issueType(), request.fromStatus(),
				request.toStatus(), request.actorAccountId());
		Set<String> roles = ActorRoles.resolve(snapshot, request.projectKey(), request.actorAccountId(),
				Set.copyOf(orEmpty(request.actorGroups())), Set.copyOf(orEmpty(request.actorProjectRoles())));
		List<Decision> decisions = DecisionEngine.decide(transition, roles, snapshot);
		Decision headline = Decision.headline(decisions);
		List<MatchedRule> matched = decisions.stream()
			.filter((d) -> d.rule() != null)
			.map((d) -> new MatchedRule(d.rule().id(), d.rule().name(), d.outcome(), d.dryRun(), d.reason()))
			.toList();
		List<GateAnswer> gates = (request.environment() == null) ? null
				: snapshot.gates()
					.stream()
					.filter((gate) -> gate.enabled() && gate.guards(request.environment()))
					.map((gate) -> gateAnswer(gate, decisions, request.toStatus()))
					.toList();
		return new ExplainResult(headline.outcome(),
				String.join(" ", decisions.stream().map(Decision::reason).toList()), matched,
				List.copyOf(new TreeSet<>(roles)), snapshot.version(), gates);
	}

	/**
	 * A run Tollgate starts is cleared by the decision of a rule on the gate's target; a
	 * run that names the issue, by any decision of the move, if the gate accepts linked
	 * issues in the status moved into.
	 */
	private static GateAnswer gateAnswer(Gate gate, List<Decision> decisions, String toStatus) {
		String own = decisions.stream()
			.filter((d) -> d.rule() != null && !d.dryRun() && gate.target().equalsIgnoreCase(d.rule().target()))
			.map(PolicyAsCodeController::gateWord)
			.min(Comparator.comparingInt(GATE_WORDS::indexOf))
			.orElse("REJECTED");
		String linked = (!gate.linkedIssues() || !gate.clearsStatus(toStatus)) ? "REJECTED"
				: decisions.stream()
					.filter((d) -> d.rule() != null && !d.dryRun())
					.map(PolicyAsCodeController::gateWord)
					.min(Comparator.comparingInt(GATE_WORDS::indexOf))
					.orElse("REJECTED");
		String reason = "A run Tollgate starts for this transition: " + own + "; a run naming the issue: " + linked
				+ (gate.linkedIssues() ? "" : " (the gate does not accept linked issues)") + ".";
		return new GateAnswer(gate.name(), gate.target(), gate.dryRun(), own, linked, reason);
	}

	/** A gate's answers, the most restrictive first. */
	private static final List<String> GATE_WORDS = List.of("REJECTED", "WAITS", "APPROVED");

	private static String gateWord(Decision decision) {
		return switch (decision.outcome()) {
			case ALLOWED -> "APPROVED";
			case PENDING_APPROVAL -> "WAITS";
			default -> "REJECTED";
		};
	}

	private static List<String> orEmpty(List<String> list) {
		return (list != null) ? list : List.of();
	}

}
