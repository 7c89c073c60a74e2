package dev.tollgate.policy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tollgate.audit.AuditLog;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.policy.PolicyProblems.FieldProblem;
import dev.tollgate.policy.PolicyTables.Stored;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import static dev.tollgate.policy.PolicyNames.byName;
import static dev.tollgate.policy.PolicyNames.key;

/**
 * Every change to the policy goes through here: checked (names, references, target
 * fields, template variables), written, audited as {@code POLICY_CHANGED} with who did it
 * and the before and after, and made visible to every replica by bumping the policy
 * version — all in one transaction. This class says what each change reads, refuses and
 * writes; the checks are in {@link PolicyChecks}, the audit and version bump in
 * {@link PolicyChangeLog}, and policy as code in {@link PolicyDocuments}.
 */
@Service
public class PolicyStore {

	private final PolicyTables tables;

	private final PolicyChecks checks;

	private final PolicyChangeLog changeLog;

	PolicyStore(PolicyTables tables, JdbcClient jdbc, AuditLog audit, PolicySnapshots snapshots,
			OutboundPolicy outbound, List<TargetKindRules> kindRules, List<CredentialRefCheck> credentialChecks) {
		this.tables = tables;
		this.checks = new PolicyChecks(outbound, kindRules, credentialChecks);
		this.changeLog = new PolicyChangeLog(jdbc, audit, snapshots);
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
		this.changeLog.changed(changedBy, "role", role.name(), PolicyChange.Action.CREATE, null, created.value());
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
		this.changeLog.changed(changedBy, "role", storedName, PolicyChange.Action.UPDATE, current.value(),
				updated.value());
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
		this.changeLog.changed(changedBy, "role", storedName, PolicyChange.Action.DELETE, current.value(), null);
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
		this.changeLog.changed(changedBy, "role-binding", Long.toString(created.id()), PolicyChange.Action.CREATE, null,
				created);
		return created;
	}

	@Transactional
	public void deleteBinding(long id, String changedBy) {
		RoleBinding before = this.tables.binding(id)
			.orElseThrow(() -> new PolicyProblems.NotFound("No role binding with id " + id + "."));
		this.tables.deleteBinding(id);
		this.changeLog.changed(changedBy, "role-binding", Long.toString(id), PolicyChange.Action.DELETE, before, null);
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
		this.checks.checkTarget(target);
		Stored<Target> created = this.tables.insertTarget(target);
		this.changeLog.changed(changedBy, "target", target.name(), PolicyChange.Action.CREATE, null, created.value());
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
		this.checks.checkTarget(target);
		String cannotGate = this.checks.cannotGate(target);
		if (cannotGate != null && gates().stream().anyMatch((gate) -> gate.target().equalsIgnoreCase(storedName))) {
			throw new PolicyProblems.Rejected(List.of(new FieldProblem("kind", cannotGate + ", and gates use it")));
		}
		Stored<Target> updated = this.tables.updateTarget(current, target);
		this.changeLog.changed(changedBy, "target", storedName, PolicyChange.Action.UPDATE, current.value(),
				updated.value());
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
		this.changeLog.changed(changedBy, "target", storedName, PolicyChange.Action.DELETE, current.value(), null);
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
		this.checks.checkRule(rule, roleNames(), targetNames());
		Stored<Rule> created = this.tables.insertRule(rule);
		this.changeLog.changed(changedBy, "rule", rule.name(), PolicyChange.Action.CREATE, null, created.value());
		return versioned(created);
	}

	@Transactional
	public Versioned<Rule> updateRule(long id, RuleSpec spec, Integer expectedVersion, String changedBy) {
		Stored<Rule> current = findRule(id);
		checkVersion(current.version(), expectedVersion, "rule " + id);
		Rule rule = spec.toRule(id);
		this.checks.checkRule(rule, roleNames(), targetNames());
		Stored<Rule> updated = this.tables.updateRule(current, rule);
		this.changeLog.changed(changedBy, "rule", rule.name(), PolicyChange.Action.UPDATE, current.value(),
				updated.value());
		return versioned(updated);
	}

	@Transactional
	public void deleteRule(long id, Integer expectedVersion, String changedBy) {
		Stored<Rule> current = findRule(id);
		checkVersion(current.version(), expectedVersion, "rule " + id);
		this.tables.deleteRule(current);
		this.changeLog.changed(changedBy, "rule", current.value().name(), PolicyChange.Action.DELETE, current.value(),
				null);
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
		this.checks.checkGate(gate, byName(targets(), Target::name));
		Stored<Gate> created = this.tables.insertGate(gate);
		this.changeLog.changed(changedBy, "gate", gate.name(), PolicyChange.Action.CREATE, null, created.value());
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
		this.checks.checkGate(gate, byName(targets(), Target::name));
		Stored<Gate> updated = this.tables.updateGate(current, gate);
		this.changeLog.changed(changedBy, "gate", storedName, PolicyChange.Action.UPDATE, current.value(),
				updated.value());
		return versioned(updated);
	}

	@Transactional
	public void deleteGate(String name, Integer expectedVersion, String changedBy) {
		Stored<Gate> current = findGate(name);
		checkVersion(current.version(), expectedVersion, "gate '" + name + "'");
		this.tables.deleteGate(current);
		this.changeLog.changed(changedBy, "gate", current.value().name(), PolicyChange.Action.DELETE, current.value(),
				null);
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
		this.checks.checkDocument(document);
		PolicyDocuments documents = new PolicyDocuments(this);
		List<PolicyChange> diff = documents.diff(document);
		if (dryRun || diff.isEmpty()) {
			return diff;
		}
		documents.apply(document, changedBy);
		return diff;
	}

	private Set<String> roleNames() {
		return roles().stream().map((r) -> key(r.name())).collect(Collectors.toSet());
	}

	private Set<String> targetNames() {
		return targets().stream().map((t) -> key(t.name())).collect(Collectors.toSet());
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

	private static boolean containsIgnoreCase(List<String> names, String name) {
		return names.stream().anyMatch((n) -> n.equalsIgnoreCase(name));
	}

}
