package dev.tollgate.policy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.policy.PolicyProblems.FieldProblem;

import static dev.tollgate.policy.PolicyNames.byName;
import static dev.tollgate.policy.PolicyNames.key;

/**
 * Whether a policy object may be saved: its references resolve, a target carries what its
 * kind needs (asked of the module that triggers that kind), its credential reference can
 * resolve, its base URL is one Tollgate may call and its templates name known variables.
 * The same checks serve one object saved through the admin API and a whole policy
 * document, whose problems are all reported at once by their path in it. Apart from
 * {@link PolicyStore} so that the store reads as the list of changes it makes.
 */
final class PolicyChecks {

	/** The longest an approval request may stay open. */
	static final Duration MAX_APPROVAL_WINDOW = Duration.ofDays(365);

	private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");

	/** Each kind's own field checks, from the module that triggers it. */
	private final Map<Target.Kind, TargetKindRules> kindRules;

	private final OutboundPolicy outbound;

	/**
	 * Whether a credential reference can ever resolve, from the module that resolves it.
	 */
	private final List<CredentialRefCheck> credentialChecks;

	PolicyChecks(OutboundPolicy outbound, List<TargetKindRules> kindRules, List<CredentialRefCheck> credentialChecks) {
		this.outbound = outbound;
		this.credentialChecks = List.copyOf(credentialChecks);
		this.kindRules = new EnumMap<>(Target.Kind.class);
		kindRules.forEach((rules) -> this.kindRules.put(rules.kind(), rules));
	}

	/**
	 * Why a gate cannot be answered through {@code target}; {@code null} when it can.
	 * Only for a target that passed {@link #checkTarget}.
	 */
	String cannotGate(Target target) {
		return this.kindRules.get(target.kind()).cannotGate(target);
	}

	/** Every problem of the document, by its path in it; names unique per collection. */
	void checkDocument(PolicyDocument document) {
		List<FieldProblem> problems = new ArrayList<>();
		Set<String> roleNames = document.roles().stream().map((r) -> key(r.name())).collect(Collectors.toSet());
		Set<String> targetNames = document.targets().stream().map((t) -> key(t.name())).collect(Collectors.toSet());
		duplicates(document.roles().stream().map(RoleView::name).toList(), "roles", problems);
		duplicates(document.targets().stream().map(Target::name).toList(), "targets", problems);
		duplicates(document.rules().stream().map(RuleSpec::name).toList(), "rules", problems);
		duplicates(document.gates().stream().map(Gate::name).toList(), "gates", problems);
		Map<String, Target> documentTargets = byName(document.targets(), Target::name);
		for (int i = 0; i < document.gates().size(); i++) {
			problems.addAll(gateProblems(document.gates().get(i), "gates[" + i + "].", documentTargets));
		}
		for (int i = 0; i < document.bindings().size(); i++) {
			if (!roleNames.contains(key(document.bindings().get(i).role()))) {
				problems.add(new FieldProblem("bindings[" + i + "].role",
						"no role named '" + document.bindings().get(i).role() + "' in the document"));
			}
		}
		for (int i = 0; i < document.targets().size(); i++) {
			problems.addAll(targetProblems(document.targets().get(i), "targets[" + i + "]."));
		}
		for (int i = 0; i < document.rules().size(); i++) {
			problems
				.addAll(ruleProblems(document.rules().get(i).toRule(0), "rules[" + i + "].", roleNames, targetNames));
		}
		reject(problems);
	}

	private static void duplicates(List<String> names, String field, List<FieldProblem> problems) {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < names.size(); i++) {
			if (!seen.add(key(names.get(i)))) {
				problems
					.add(new FieldProblem(field + "[" + i + "].name", "'" + names.get(i) + "' appears more than once"));
			}
		}
	}

	void checkTarget(Target target) {
		reject(targetProblems(target, ""));
	}

	void checkRule(Rule rule, Set<String> roleNames, Set<String> targetNames) {
		reject(ruleProblems(rule, "", roleNames, targetNames));
	}

	void checkGate(Gate gate, Map<String, Target> targetsByName) {
		reject(gateProblems(gate, "", targetsByName));
	}

	private static void reject(List<FieldProblem> problems) {
		if (!problems.isEmpty()) {
			throw new PolicyProblems.Rejected(problems);
		}
	}

	/**
	 * A gate names a target its CI system can be asked through, a pattern that compiles
	 * and a wait GitHub would honour.
	 */
	private List<FieldProblem> gateProblems(Gate gate, String prefix, Map<String, Target> targetsByName) {
		List<FieldProblem> problems = new ArrayList<>();
		if (key(gate.name()).equals(Gate.RESERVED_NAME)) {
			problems.add(new FieldProblem(prefix + "name",
					"'" + Gate.RESERVED_NAME + "' is reserved: /api/v1/gates/reviews lists the reviews"));
		}
		Target target = targetsByName.get(key(gate.target()));
		if (target == null) {
			problems.add(new FieldProblem(prefix + "target", "no target named '" + gate.target() + "' exists"));
		}
		else {
			TargetKindRules rules = this.kindRules.get(target.kind());
			String why = (rules != null) ? rules.cannotGate(target) : "no CI provider for " + target.kind();
			if (why != null) {
				problems.add(new FieldProblem(prefix + "target", why));
			}
		}
		try {
			gate.issueKeys();
		}
		catch (PatternSyntaxException ex) {
			problems.add(new FieldProblem(prefix + "issueKeyPattern", "is not a valid regular expression"));
		}
		if (gate.waitFor().isNegative() || gate.waitFor().compareTo(Gate.MAX_WAIT) > 0) {
			problems.add(new FieldProblem(prefix + "waitFor",
					"must be a duration from PT0S to " + Gate.MAX_WAIT.toDays() + " days"));
		}
		if (gate.linkedIssues() && gate.issueStatuses().isEmpty()) {
			problems.add(new FieldProblem(prefix + "issueStatuses",
					"must name at least one status when linkedIssues is true"));
		}
		return problems;
	}

	private List<FieldProblem> targetProblems(Target target, String prefix) {
		List<FieldProblem> problems = new ArrayList<>();
		TargetKindRules rules = this.kindRules.get(target.kind());
		if (rules == null) {
			problems.add(new FieldProblem(prefix + "kind", "no CI provider for " + target.kind() + " is installed"));
			return problems;
		}
		rules.check(target, new TargetKindRules.Problems(prefix, problems));
		if (target.kind() != Target.Kind.NOOP && target.credentialRef() != null) {
			for (CredentialRefCheck check : this.credentialChecks) {
				String problem = check.problem(target.credentialRef());
				if (problem != null) {
					problems.add(new FieldProblem(prefix + "credentialRef", problem));
				}
			}
		}
		if (target.baseUrl() != null && !target.baseUrl().isBlank()) {
			baseUrlProblems(target.baseUrl(), prefix, problems);
		}
		String valuesField = rules.valuesField();
		if (valuesField != null) {
			target.templateValues().forEach((name, value) -> {
				if (value == null) {
					problems.add(new FieldProblem(prefix + valuesField + "." + name, "must not be null"));
					return;
				}
				Matcher matcher = TEMPLATE.matcher(value);
				while (matcher.find()) {
					if (!PolicyNames.TEMPLATE_VARIABLES.contains(matcher.group(1))) {
						problems.add(new FieldProblem(prefix + valuesField + "." + name, "unknown template variable {{"
								+ matcher.group(1) + "}}; known: " + new TreeSet<>(PolicyNames.TEMPLATE_VARIABLES)));
					}
				}
			});
		}
		return problems;
	}

	private void baseUrlProblems(String baseUrl, String prefix, List<FieldProblem> problems) {
		try {
			URI uri = URI.create(baseUrl);
			if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
					|| uri.getHost() == null || uri.getUserInfo() != null) {
				problems.add(new FieldProblem(prefix + "baseUrl", "must be an http(s) URL without credentials"));
			}
			else {
				// Refused now rather than at the first trigger, so that a token with
				// scope
				// admin cannot even store a target aimed at a host the operator has ruled
				// out. Names are resolved and checked again on every connection.
				this.outbound.checkUrl(uri);
			}
		}
		catch (OutboundRefused ex) {
			problems.add(new FieldProblem(prefix + "baseUrl", ex.getMessage()));
		}
		catch (IllegalArgumentException ex) {
			problems.add(new FieldProblem(prefix + "baseUrl", "is not a valid URL"));
		}
	}

	private static List<FieldProblem> ruleProblems(Rule rule, String prefix, Set<String> roleNames,
			Set<String> targetNames) {
		List<FieldProblem> problems = new ArrayList<>();
		for (int i = 0; i < rule.allowedRoles().size(); i++) {
			if (!roleNames.contains(key(rule.allowedRoles().get(i)))) {
				problems.add(new FieldProblem(prefix + "allowedRoles[" + i + "]",
						"no role named '" + rule.allowedRoles().get(i) + "' exists"));
			}
		}
		if (rule.target() != null && !targetNames.contains(key(rule.target()))) {
			problems.add(new FieldProblem(prefix + "target", "no target named '" + rule.target() + "' exists"));
		}
		if (rule.approval() != null) {
			for (int i = 0; i < rule.approval().approverRoles().size(); i++) {
				if (!roleNames.contains(key(rule.approval().approverRoles().get(i)))) {
					problems.add(new FieldProblem(prefix + "approval.approverRoles[" + i + "]",
							"no role named '" + rule.approval().approverRoles().get(i) + "' exists"));
				}
			}
			Duration expiresAfter = rule.approval().expiresAfter();
			if (expiresAfter != null && (expiresAfter.isNegative() || expiresAfter.isZero()
					|| expiresAfter.compareTo(MAX_APPROVAL_WINDOW) > 0)) {
				// Beyond a year it is no deadline, and far beyond it no timestamp
				// PostgreSQL can store.
				problems.add(new FieldProblem(prefix + "approval.expiresAfter",
						"must be a positive duration of at most " + MAX_APPROVAL_WINDOW.toDays() + " days"));
			}
		}
		return problems;
	}

}
