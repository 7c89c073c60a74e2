package dev.tollgate.policy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import dev.tollgate.policy.PolicyProblems.FieldProblem;
import dev.tollgate.policy.PolicyTables.Stored;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every change to the policy goes through here: checked (names, references, target
 * fields, template variables), written, audited as {@code POLICY_CHANGED} with who did it
 * and the before and after, and made visible to every replica by bumping the policy
 * version — all in one transaction.
 */
@Service
public class PolicyStore {

	/** The longest an approval request may stay open. */
	static final Duration MAX_APPROVAL_WINDOW = Duration.ofDays(365);

	private static final java.util.regex.Pattern TEMPLATE = java.util.regex.Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");

	private final PolicyTables tables;

	/** Each kind's own field checks, from the module that triggers it. */
	private final Map<Target.Kind, TargetKindRules> kindRules;

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final PolicySnapshots snapshots;

	private final OutboundPolicy outbound;

	/**
	 * Whether a credential reference can ever resolve, from the module that resolves it.
	 */
	private final List<CredentialRefCheck> credentialChecks;

	PolicyStore(PolicyTables tables, JdbcClient jdbc, AuditLog audit, PolicySnapshots snapshots,
			OutboundPolicy outbound, List<TargetKindRules> kindRules, List<CredentialRefCheck> credentialChecks) {
		this.outbound = outbound;
		this.credentialChecks = List.copyOf(credentialChecks);
		this.kindRules = new EnumMap<>(Target.Kind.class);
		kindRules.forEach((rules) -> this.kindRules.put(rules.kind(), rules));
		this.tables = tables;
		this.jdbc = jdbc;
		this.audit = audit;
		this.snapshots = snapshots;
	}

	/** A value with the version the admin API exposes as its {@code ETag}. */
	public record Versioned<T>(T value, int version) {
	}

	// Roles

	@Transactional(readOnly = true)
	public List<RoleView> roles() {
		return values(this.tables.roles());
	}

	@Transactional(readOnly = true)
	public Versioned<RoleView> role(String name) {
		return versioned(findRole(name));
	}

	@Transactional
	public Versioned<RoleView> createRole(RoleView role, String changedBy) {
		Stored<RoleView> created = this.tables.insertRole(role);
		changed(changedBy, "role", role.name(), PolicyChange.Action.CREATE, null, created.value());
		return versioned(created);
	}

	@Transactional
	public Versioned<RoleView> updateRole(String name, RoleView role, Integer expectedVersion, String changedBy) {
		Stored<RoleView> current = findRole(name);
		checkVersion(current.version(), expectedVersion, "role '" + name + "'");
		String storedName = current.value().name();
		if (!storedName.equalsIgnoreCase(role.name())) {
			throw new PolicyProblems.Rejected(
					List.of(new FieldProblem("name", "cannot be changed (it is '" + storedName + "')")));
		}
		Stored<RoleView> updated = this.tables.updateRole(current, role);
		changed(changedBy, "role", storedName, PolicyChange.Action.UPDATE, current.value(), updated.value());
		return versioned(updated);
	}

	@Transactional
	public void deleteRole(String name, Integer expectedVersion, String changedBy) {
		Stored<RoleView> current = findRole(name);
		checkVersion(current.version(), expectedVersion, "role '" + name + "'");
		String storedName = current.value().name();
		long bound = this.tables.bindingsOf(current.id());
		List<String> usedBy = rules().stream()
			.filter((rule) -> containsIgnoreCase(rule.allowedRoles(), name)
					|| (rule.approval() != null && containsIgnoreCase(rule.approval().approverRoles(), name)))
			.map(Rule::name)
			.toList();
		if (bound > 0 || !usedBy.isEmpty()) {
			throw new PolicyProblems.Conflict("Role '" + storedName + "' is still in use (" + bound + " binding(s)"
					+ (usedBy.isEmpty() ? "" : ", rules " + usedBy) + ").");
		}
		this.tables.deleteRole(current);
		changed(changedBy, "role", storedName, PolicyChange.Action.DELETE, current.value(), null);
	}

	// Role bindings

	@Transactional(readOnly = true)
	public List<RoleBinding> bindings() {
		return this.tables.bindings();
	}

	@Transactional
	public RoleBinding createBinding(BindingSpec spec, String changedBy) {
		Stored<RoleView> role = this.tables.role(spec.role())
			.orElseThrow(() -> new PolicyProblems.Rejected(
					List.of(new FieldProblem("role", "no role named '" + spec.role() + "' exists"))));
		String projectKey = (spec.projectKey() == null || spec.projectKey().isBlank()) ? null
				: spec.projectKey().strip();
		RoleBinding created = this.tables.insertBinding(role, spec.subjectType(), spec.subject().strip(), projectKey);
		changed(changedBy, "role-binding", Long.toString(created.id()), PolicyChange.Action.CREATE, null, created);
		return created;
	}

	@Transactional
	public void deleteBinding(long id, String changedBy) {
		RoleBinding before = this.tables.binding(id)
			.orElseThrow(() -> new PolicyProblems.NotFound("No role binding with id " + id + "."));
		this.tables.deleteBinding(id);
		changed(changedBy, "role-binding", Long.toString(id), PolicyChange.Action.DELETE, before, null);
	}

	// Targets

	@Transactional(readOnly = true)
	public List<Target> targets() {
		return values(this.tables.targets());
	}

	@Transactional(readOnly = true)
	public Versioned<Target> target(String name) {
		return versioned(findTarget(name));
	}

	@Transactional
	public Versioned<Target> createTarget(Target target, String changedBy) {
		checkTarget(target, "");
		Stored<Target> created = this.tables.insertTarget(target);
		changed(changedBy, "target", target.name(), PolicyChange.Action.CREATE, null, created.value());
		return versioned(created);
	}

	@Transactional
	public Versioned<Target> updateTarget(String name, Target target, Integer expectedVersion, String changedBy) {
		Stored<Target> current = findTarget(name);
		checkVersion(current.version(), expectedVersion, "target '" + name + "'");
		String storedName = current.value().name();
		if (!storedName.equalsIgnoreCase(target.name())) {
			throw new PolicyProblems.Rejected(
					List.of(new FieldProblem("name", "cannot be changed (it is '" + storedName + "')")));
		}
		checkTarget(target, "");
		String cannotGate = this.kindRules.get(target.kind()).cannotGate(target);
		if (cannotGate != null && gates().stream().anyMatch((gate) -> gate.target().equalsIgnoreCase(storedName))) {
			throw new PolicyProblems.Rejected(List.of(new FieldProblem("kind", cannotGate + ", and gates use it")));
		}
		Stored<Target> updated = this.tables.updateTarget(current, target);
		changed(changedBy, "target", storedName, PolicyChange.Action.UPDATE, current.value(), updated.value());
		return versioned(updated);
	}

	@Transactional
	public void deleteTarget(String name, Integer expectedVersion, String changedBy) {
		Stored<Target> current = findTarget(name);
		checkVersion(current.version(), expectedVersion, "target '" + name + "'");
		String storedName = current.value().name();
		List<String> usedBy = rules().stream()
			.filter((rule) -> rule.target() != null && rule.target().equalsIgnoreCase(storedName))
			.map(Rule::name)
			.toList();
		if (!usedBy.isEmpty()) {
			throw new PolicyProblems.Conflict("Target '" + storedName + "' is still used by rules " + usedBy + ".");
		}
		List<String> gatedBy = gates().stream()
			.filter((gate) -> gate.target().equalsIgnoreCase(storedName))
			.map(Gate::name)
			.toList();
		if (!gatedBy.isEmpty()) {
			throw new PolicyProblems.Conflict("Target '" + storedName + "' is still used by gates " + gatedBy + ".");
		}
		this.tables.deleteTarget(current);
		changed(changedBy, "target", storedName, PolicyChange.Action.DELETE, current.value(), null);
	}

	// Rules

	@Transactional(readOnly = true)
	public List<Rule> rules() {
		return values(this.tables.rules());
	}

	@Transactional(readOnly = true)
	public Versioned<Rule> rule(long id) {
		return versioned(findRule(id));
	}

	/**
	 * The id of the rule a path names: digits are an id, anything else a rule name
	 * (compared case-insensitively, as names are unique that way).
	 */
	@Transactional(readOnly = true)
	public long ruleId(String idOrName) {
		if (!idOrName.isEmpty() && idOrName.length() <= 18 && idOrName.chars().allMatch(Character::isDigit)) {
			return Long.parseLong(idOrName);
		}
		return rules().stream()
			.filter((rule) -> rule.name().equalsIgnoreCase(idOrName))
			.findFirst()
			.map(Rule::id)
			.orElseThrow(() -> new PolicyProblems.NotFound("No rule with id or name '" + idOrName + "'."));
	}

	@Transactional(readOnly = true)
	public RoleBinding binding(long id) {
		return bindings().stream()
			.filter((binding) -> binding.id() == id)
			.findFirst()
			.orElseThrow(() -> new PolicyProblems.NotFound("No role binding with id " + id + "."));
	}

	@Transactional
	public Versioned<Rule> createRule(RuleSpec spec, String changedBy) {
		Rule rule = spec.toRule(0);
		checkRule(rule, "", roleNames(), targetNames());
		Stored<Rule> created = this.tables.insertRule(rule);
		changed(changedBy, "rule", rule.name(), PolicyChange.Action.CREATE, null, created.value());
		return versioned(created);
	}

	@Transactional
	public Versioned<Rule> updateRule(long id, RuleSpec spec, Integer expectedVersion, String changedBy) {
		Stored<Rule> current = findRule(id);
		checkVersion(current.version(), expectedVersion, "rule " + id);
		Rule rule = spec.toRule(id);
		checkRule(rule, "", roleNames(), targetNames());
		Stored<Rule> updated = this.tables.updateRule(current, rule);
		changed(changedBy, "rule", rule.name(), PolicyChange.Action.UPDATE, current.value(), updated.value());
		return versioned(updated);
	}

	@Transactional
	public void deleteRule(long id, Integer expectedVersion, String changedBy) {
		Stored<Rule> current = findRule(id);
		checkVersion(current.version(), expectedVersion, "rule " + id);
		this.tables.deleteRule(current);
		changed(changedBy, "rule", current.value().name(), PolicyChange.Action.DELETE, current.value(), null);
	}

	// Gates

	@Transactional(readOnly = true)
	public List<Gate> gates() {
		return values(this.tables.gates());
	}

	@Transactional(readOnly = true)
	public Versioned<Gate> gate(String name) {
		return versioned(findGate(name));
	}

	@Transactional
	public Versioned<Gate> createGate(Gate gate, String changedBy) {
		checkGate(gate, "", byName(targets(), Target::name));
		Stored<Gate> created = this.tables.insertGate(gate);
		changed(changedBy, "gate", gate.name(), PolicyChange.Action.CREATE, null, created.value());
		return versioned(created);
	}

	@Transactional
	public Versioned<Gate> updateGate(String name, Gate gate, Integer expectedVersion, String changedBy) {
		Stored<Gate> current = findGate(name);
		checkVersion(current.version(), expectedVersion, "gate '" + name + "'");
		String storedName = current.value().name();
		if (!storedName.equalsIgnoreCase(gate.name())) {
			throw new PolicyProblems.Rejected(
					List.of(new FieldProblem("name", "cannot be changed (it is '" + storedName + "')")));
		}
		checkGate(gate, "", byName(targets(), Target::name));
		Stored<Gate> updated = this.tables.updateGate(current, gate);
		changed(changedBy, "gate", storedName, PolicyChange.Action.UPDATE, current.value(), updated.value());
		return versioned(updated);
	}

	@Transactional
	public void deleteGate(String name, Integer expectedVersion, String changedBy) {
		Stored<Gate> current = findGate(name);
		checkVersion(current.version(), expectedVersion, "gate '" + name + "'");
		this.tables.deleteGate(current);
		changed(changedBy, "gate", current.value().name(), PolicyChange.Action.DELETE, current.value(), null);
	}

	// Policy as code

	@Transactional(readOnly = true)
	public PolicyDocument export() {
		return new PolicyDocument(roles(), bindings().stream().map(BindingSpec::of).toList(), targets(),
				rules().stream().map(RuleSpec::of).toList(), gates());
	}

	/**
	 * Makes the policy equal to {@code document}: creates, updates and deletes by name
	 * (bindings by their content). With {@code dryRun} nothing is written and the diff is
	 * returned.
	 */
	@Transactional
	public List<PolicyChange> apply(PolicyDocument document, boolean dryRun, String changedBy) {
		checkDocument(document);
		List<PolicyChange> diff = diff(document);
		if (dryRun || diff.isEmpty()) {
			return diff;
		}
		Map<String, RoleView> currentRoles = byName(roles(), RoleView::name);
		for (RoleView role : document.roles()) {
			RoleView existing = currentRoles.get(lower(role.name()));
			if (existing == null) {
				createRole(role, changedBy);
			}
			else if (!existing.equals(role)) {
				updateRole(existing.name(), role, null, changedBy);
			}
		}
		Map<String, Target> currentTargets = byName(targets(), Target::name);
		for (Target target : document.targets()) {
			Target existing = currentTargets.get(lower(target.name()));
			if (existing == null) {
				createTarget(target, changedBy);
			}
			else if (!existing.equals(target.stored())) {
				updateTarget(existing.name(), target, null, changedBy);
			}
		}
		for (RoleBinding binding : bindings()) {
			if (document.bindings().stream().noneMatch((spec) -> spec.sameAs(binding))) {
				deleteBinding(binding.id(), changedBy);
			}
		}
		for (BindingSpec spec : document.bindings()) {
			if (bindings().stream().noneMatch(spec::sameAs)) {
				createBinding(spec, changedBy);
			}
		}
		Map<String, Rule> currentRules = byName(rules(), Rule::name);
		Set<String> wantedRules = document.rules().stream().map((r) -> lower(r.name())).collect(Collectors.toSet());
		for (Rule rule : currentRules.values()) {
			if (!wantedRules.contains(lower(rule.name()))) {
				deleteRule(rule.id(), null, changedBy);
			}
		}
		for (RuleSpec spec : document.rules()) {
			Rule existing = currentRules.get(lower(spec.name()));
			if (existing == null) {
				createRule(spec, changedBy);
			}
			else if (!RuleSpec.of(existing).equals(RuleSpec.of(spec.toRule(existing.id())))) {
				updateRule(existing.id(), spec, null, changedBy);
			}
		}
		applyGates(document, changedBy);
		Set<String> wantedTargets = document.targets().stream().map((t) -> lower(t.name())).collect(Collectors.toSet());
		for (Target target : currentTargets.values()) {
			if (!wantedTargets.contains(lower(target.name()))) {
				deleteTarget(target.name(), null, changedBy);
			}
		}
		Set<String> wantedRoles = document.roles().stream().map((r) -> lower(r.name())).collect(Collectors.toSet());
		for (RoleView role : currentRoles.values()) {
			if (!wantedRoles.contains(lower(role.name()))) {
				deleteRole(role.name(), null, changedBy);
			}
		}
		return diff;
	}

	private void applyGates(PolicyDocument document, String changedBy) {
		Map<String, Gate> current = byName(gates(), Gate::name);
		Set<String> wanted = document.gates().stream().map((g) -> lower(g.name())).collect(Collectors.toSet());
		for (Gate gate : current.values()) {
			if (!wanted.contains(lower(gate.name()))) {
				deleteGate(gate.name(), null, changedBy);
			}
		}
		for (Gate gate : document.gates()) {
			Gate existing = current.get(lower(gate.name()));
			if (existing == null) {
				createGate(gate, changedBy);
			}
			else if (!existing.equals(gate)) {
				updateGate(existing.name(), gate, null, changedBy);
			}
		}
	}

	private List<PolicyChange> diff(PolicyDocument document) {
		List<PolicyChange> changes = new ArrayList<>();
		Map<String, RoleView> currentRoles = byName(roles(), RoleView::name);
		document.roles()
			.forEach((role) -> compare(changes, "role", role.name(), currentRoles.get(lower(role.name())), role));
		currentRoles.values()
			.stream()
			.filter((r) -> document.roles().stream().noneMatch((w) -> w.name().equalsIgnoreCase(r.name())))
			.forEach((r) -> changes.add(new PolicyChange("role", r.name(), PolicyChange.Action.DELETE)));
		List<RoleBinding> currentBindings = bindings();
		document.bindings()
			.stream()
			.filter((spec) -> currentBindings.stream().noneMatch(spec::sameAs))
			.forEach((spec) -> changes
				.add(new PolicyChange("role-binding", describe(spec), PolicyChange.Action.CREATE)));
		currentBindings.stream()
			.filter((b) -> document.bindings().stream().noneMatch((spec) -> spec.sameAs(b)))
			.forEach((b) -> changes
				.add(new PolicyChange("role-binding", describe(BindingSpec.of(b)), PolicyChange.Action.DELETE)));
		Map<String, Target> currentTargets = byName(targets(), Target::name);
		document.targets()
			.forEach((t) -> compare(changes, "target", t.name(), currentTargets.get(lower(t.name())), t.stored()));
		currentTargets.values()
			.stream()
			.filter((t) -> document.targets().stream().noneMatch((w) -> w.name().equalsIgnoreCase(t.name())))
			.forEach((t) -> changes.add(new PolicyChange("target", t.name(), PolicyChange.Action.DELETE)));
		Map<String, RuleSpec> currentRules = byName(rules().stream().map(RuleSpec::of).toList(), RuleSpec::name);
		document.rules()
			.forEach((r) -> compare(changes, "rule", r.name(), currentRules.get(lower(r.name())),
					RuleSpec.of(r.toRule(0))));
		currentRules.values()
			.stream()
			.filter((r) -> document.rules().stream().noneMatch((w) -> w.name().equalsIgnoreCase(r.name())))
			.forEach((r) -> changes.add(new PolicyChange("rule", r.name(), PolicyChange.Action.DELETE)));
		Map<String, Gate> currentGates = byName(gates(), Gate::name);
		document.gates().forEach((g) -> compare(changes, "gate", g.name(), currentGates.get(lower(g.name())), g));
		currentGates.values()
			.stream()
			.filter((g) -> document.gates().stream().noneMatch((w) -> w.name().equalsIgnoreCase(g.name())))
			.forEach((g) -> changes.add(new PolicyChange("gate", g.name(), PolicyChange.Action.DELETE)));
		return changes;
	}

	private static <T> void compare(List<PolicyChange> changes, String resource, String name, T current, T wanted) {
		if (current == null) {
			changes.add(new PolicyChange(resource, name, PolicyChange.Action.CREATE));
		}
		else if (!current.equals(wanted)) {
			changes.add(new PolicyChange(resource, name, PolicyChange.Action.UPDATE));
		}
	}

	private void checkDocument(PolicyDocument document) {
		List<FieldProblem> problems = new ArrayList<>();
		Set<String> roleNames = document.roles().stream().map((r) -> lower(r.name())).collect(Collectors.toSet());
		Set<String> targetNames = document.targets().stream().map((t) -> lower(t.name())).collect(Collectors.toSet());
		duplicates(document.roles().stream().map(RoleView::name).toList(), "roles", problems);
		duplicates(document.targets().stream().map(Target::name).toList(), "targets", problems);
		duplicates(document.rules().stream().map(RuleSpec::name).toList(), "rules", problems);
		duplicates(document.gates().stream().map(Gate::name).toList(), "gates", problems);
		Map<String, Target> documentTargets = byName(document.targets(), Target::name);
		for (int i = 0; i < document.gates().size(); i++) {
			problems.addAll(gateProblems(document.gates().get(i), "gates[" + i + "].", documentTargets));
		}
		for (int i = 0; i < document.bindings().size(); i++) {
			if (!roleNames.contains(lower(document.bindings().get(i).role()))) {
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
		if (!problems.isEmpty()) {
			throw new PolicyProblems.Rejected(problems);
		}
	}

	private static void duplicates(List<String> names, String field, List<FieldProblem> problems) {
		Set<String> seen = new java.util.HashSet<>();
		for (int i = 0; i < names.size(); i++) {
			if (!seen.add(lower(names.get(i)))) {
				problems
					.add(new FieldProblem(field + "[" + i + "].name", "'" + names.get(i) + "' appears more than once"));
			}
		}
	}

	private void checkTarget(Target target, String prefix) {
		List<FieldProblem> problems = targetProblems(target, prefix);
		if (!problems.isEmpty()) {
			throw new PolicyProblems.Rejected(problems);
		}
	}

	private void checkRule(Rule rule, String prefix, Set<String> roleNames, Set<String> targetNames) {
		List<FieldProblem> problems = ruleProblems(rule, prefix, roleNames, targetNames);
		if (!problems.isEmpty()) {
			throw new PolicyProblems.Rejected(problems);
		}
	}

	private void checkGate(Gate gate, String prefix, Map<String, Target> targetsByName) {
		List<FieldProblem> problems = gateProblems(gate, prefix, targetsByName);
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
		if (lower(gate.name()).equals(Gate.RESERVED_NAME)) {
			problems.add(new FieldProblem(prefix + "name",
					"'" + Gate.RESERVED_NAME + "' is reserved: /api/v1/gates/reviews lists the reviews"));
		}
		Target target = targetsByName.get(lower(gate.target()));
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
		catch (java.util.regex.PatternSyntaxException ex) {
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
			try {
				URI uri = URI.create(target.baseUrl());
				if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
						|| uri.getHost() == null || uri.getUserInfo() != null) {
					problems.add(new FieldProblem(prefix + "baseUrl", "must be an http(s) URL without credentials"));
				}
				else {
					// Refused now rather than at the first trigger, so that a token with
					// scope admin
					// cannot even store a target aimed at a host the operator has ruled
					// out. Names
					// are resolved and checked again on every connection.
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
		String valuesField = rules.valuesField();
		if (valuesField != null) {
			target.templateValues().forEach((key, value) -> {
				if (value == null) {
					problems.add(new FieldProblem(prefix + valuesField + "." + key, "must not be null"));
					return;
				}
				Matcher matcher = TEMPLATE.matcher(value);
				while (matcher.find()) {
					if (!PolicyNames.TEMPLATE_VARIABLES.contains(matcher.group(1))) {
						problems.add(new FieldProblem(prefix + valuesField + "." + key,
								"unknown template variable {{" + matcher.group(1) + "}}; known: "
										+ new java.util.TreeSet<>(PolicyNames.TEMPLATE_VARIABLES)));
					}
				}
			});
		}
		return problems;
	}

	private static List<FieldProblem> ruleProblems(Rule rule, String prefix, Set<String> roleNames,
			Set<String> targetNames) {
		List<FieldProblem> problems = new ArrayList<>();
		for (int i = 0; i < rule.allowedRoles().size(); i++) {
			if (!roleNames.contains(lower(rule.allowedRoles().get(i)))) {
				problems.add(new FieldProblem(prefix + "allowedRoles[" + i + "]",
						"no role named '" + rule.allowedRoles().get(i) + "' exists"));
			}
		}
		if (rule.target() != null && !targetNames.contains(lower(rule.target()))) {
			problems.add(new FieldProblem(prefix + "target", "no target named '" + rule.target() + "' exists"));
		}
		if (rule.approval() != null) {
			for (int i = 0; i < rule.approval().approverRoles().size(); i++) {
				if (!roleNames.contains(lower(rule.approval().approverRoles().get(i)))) {
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

	private Set<String> roleNames() {
		return roles().stream().map((r) -> lower(r.name())).collect(Collectors.toSet());
	}

	private Set<String> targetNames() {
		return targets().stream().map((t) -> lower(t.name())).collect(Collectors.toSet());
	}

	private Stored<RoleView> findRole(String name) {
		return this.tables.role(name).orElseThrow(() -> new PolicyProblems.NotFound("No role named '" + name + "'."));
	}

	private Stored<Target> findTarget(String name) {
		return this.tables.target(name)
			.orElseThrow(() -> new PolicyProblems.NotFound("No target named '" + name + "'."));
	}

	private Stored<Gate> findGate(String name) {
		return this.tables.gate(name).orElseThrow(() -> new PolicyProblems.NotFound("No gate named '" + name + "'."));
	}

	private Stored<Rule> findRule(long id) {
		return this.tables.rule(id).orElseThrow(() -> new PolicyProblems.NotFound("No rule with id " + id + "."));
	}

	private static <T> Versioned<T> versioned(Stored<T> stored) {
		return new Versioned<>(stored.value(), stored.version());
	}

	private static <T> List<T> values(List<Stored<T>> stored) {
		return stored.stream().map(Stored::value).toList();
	}

	private static void checkVersion(int actual, Integer expected, String what) {
		if (expected != null && expected != actual) {
			throw new PolicyProblems.VersionMismatch("The " + what + " has changed (version " + actual
					+ ", If-Match said " + expected + "); read it again.");
		}
	}

	private void changed(String changedBy, String resource, String name, PolicyChange.Action action, Object before,
			Object after) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("changedBy", changedBy);
		details.put("resource", resource);
		details.put("name", name);
		details.put("action", action.name());
		details.put("before", before);
		details.put("after", after);
		this.audit.append(
				AuditEvent
					.of(AuditEventType.POLICY_CHANGED,
							"Token '" + changedBy + "' " + action.name().toLowerCase(Locale.ROOT) + "d " + resource
									+ " '" + name + "'.")
					.outcome(action.name())
					.details(details)
					.build());
		this.jdbc.sql("UPDATE tollgate.policy_version SET version = version + 1 WHERE id = 1").update();
		refreshAfterCommit();
	}

	/**
	 * One snapshot reload per transaction, however many objects a policy document
	 * changed.
	 */
	private void refreshAfterCommit() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.hasResource(this)) {
			return;
		}
		TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				PolicyStore.this.snapshots.refresh();
			}

			@Override
			public void afterCompletion(int status) {
				TransactionSynchronizationManager.unbindResourceIfPossible(PolicyStore.this);
			}
		});
	}

	private static String describe(BindingSpec spec) {
		return spec.role() + " <- " + spec.subjectType() + " " + spec.subject()
				+ ((spec.projectKey() != null) ? " in " + spec.projectKey() : "");
	}

	private static boolean containsIgnoreCase(List<String> names, String name) {
		return names.stream().anyMatch((n) -> n.equalsIgnoreCase(name));
	}

	private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
		Map<String, T> map = new LinkedHashMap<>();
		items.forEach((item) -> map.put(lower(name.apply(item)), item));
		return map;
	}

	private static String lower(String name) {
		return (name != null) ? name.strip().toLowerCase(Locale.ROOT) : "";
	}

}
