package dev.tollgate.policy;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The policy tables, in plain SQL. Names are matched case-insensitively (the unique
 * indexes are on {@code lower(name)}). Roles, targets and rules carry a version that
 * every update and delete checks and bumps, so a write based on a stale read is refused
 * instead of overwriting.
 */
@Repository
class PolicyTables {

	/** PostgreSQL's SQLSTATE for a foreign key violation. */
	private static final String FOREIGN_KEY_VIOLATION = "23503";

	/**
	 * A stored row: its id, its value and the version the admin API exposes as its ETag.
	 */
	record Stored<T>(long id, T value, int version) {
	}

	private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	PolicyTables(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	// Roles

	List<Stored<RoleView>> roles() {
		return this.jdbc.sql("SELECT id, name, description, version FROM tollgate.role ORDER BY name")
			.query(PolicyTables::roleRow)
			.list();
	}

	Optional<Stored<RoleView>> role(String name) {
		return named("role", name, PolicyTables::roleRow);
	}

	Stored<RoleView> insertRole(RoleView role) {
		return unique("A role named '" + role.name() + "' already exists.",
				() -> this.jdbc.sql("""
						INSERT INTO tollgate.role (name, description) VALUES (:name, :description)
						RETURNING id, name, description, version
						""")
					.param("name", role.name())
					.param("description", role.description())
					.query(PolicyTables::roleRow)
					.single());
	}

	/**
	 * Updates the description and the name's spelling (a role is renamed only in letter
	 * case).
	 */
	Stored<RoleView> updateRole(Stored<RoleView> current, RoleView role) {
		return updateIfUnchanged(this.jdbc.sql("""
				UPDATE tollgate.role SET name = :name, description = :description, version = version + 1,
				    updated_at = now()
				WHERE id = :id AND version = :version
				RETURNING id, name, description, version
				""").param("name", role.name()).param("description", role.description()), current,
				PolicyTables::roleRow);
	}

	/**
	 * A binding created meanwhile (after the caller counted none) keeps the role: 409, as
	 * when counted.
	 */
	void deleteRole(Stored<RoleView> current) {
		referenced(() -> {
			delete("role", current);
			return null;
		}, () -> new PolicyProblems.Conflict(
				"Role '" + current.value().name() + "' is still in use by a role binding."));
	}

	private static Stored<RoleView> roleRow(ResultSet rs, int row) throws SQLException {
		return new Stored<>(rs.getLong("id"), new RoleView(rs.getString("name"), rs.getString("description")),
				rs.getInt("version"));
	}

	// Role bindings

	private static final String BINDINGS = """
			SELECT b.id, r.name AS role, b.subject_type, b.subject, b.project_key
			FROM tollgate.role_binding b JOIN tollgate.role r ON r.id = b.role_id
			""";

	List<RoleBinding> bindings() {
		return this.jdbc.sql(BINDINGS + " ORDER BY b.id").query(PolicyTables::bindingRow).list();
	}

	Optional<RoleBinding> binding(long id) {
		return this.jdbc.sql(BINDINGS + " WHERE b.id = :id").param("id", id).query(PolicyTables::bindingRow).optional();
	}

	long bindingsOf(long roleId) {
		return this.jdbc.sql("SELECT count(*) FROM tollgate.role_binding WHERE role_id = :roleId")
			.param("roleId", roleId)
			.query(Long.class)
			.single();
	}

	/**
	 * For a role deleted meanwhile (after the caller found it) the answer is the one it
	 * would have had: 422.
	 */
	RoleBinding insertBinding(Stored<RoleView> role, RoleBinding.SubjectType subjectType, String subject,
			String projectKey) {
		long id = referenced(
				() -> unique("This role binding already exists.",
						() -> this.jdbc.sql("""
								INSERT INTO tollgate.role_binding (role_id, subject_type, subject, project_key)
								VALUES (:roleId, :subjectType, :subject, :projectKey) RETURNING id
								""")
							.param("roleId", role.id())
							.param("subjectType", subjectType.name())
							.param("subject", subject)
							.param("projectKey", projectKey)
							.query(Long.class)
							.single()),
				() -> new PolicyProblems.Rejected(List.of(new PolicyProblems.FieldProblem("role",
						"no role named '" + role.value().name() + "' exists"))));
		return binding(id).orElseThrow();
	}

	void deleteBinding(long id) {
		this.jdbc.sql("DELETE FROM tollgate.role_binding WHERE id = :id").param("id", id).update();
	}

	private static RoleBinding bindingRow(ResultSet rs, int row) throws SQLException {
		return new RoleBinding(rs.getLong("id"), rs.getString("role"),
				RoleBinding.SubjectType.valueOf(rs.getString("subject_type")), rs.getString("subject"),
				rs.getString("project_key"));
	}

	// Targets

	List<Stored<Target>> targets() {
		return this.jdbc.sql("SELECT * FROM tollgate.target ORDER BY name").query(this::targetRow).list();
	}

	Optional<Stored<Target>> target(String name) {
		return named("target", name, this::targetRow);
	}

	Stored<Target> insertTarget(Target target) {
		return unique("A target named '" + target.name() + "' already exists.", () -> targetParams(this.jdbc.sql("""
				INSERT INTO tollgate.target (name, kind, base_url, repository, workflow, project, job, ref,
				    credential_ref, auth, app_id, installation_id, template_values)
				VALUES (:name, :kind, :baseUrl, :repository, :workflow, :project, :job, :ref,
				    :credentialRef, :auth, :appId, :installationId, :templateValues)
				RETURNING *
				"""), target).query(this::targetRow).single());
	}

	Stored<Target> updateTarget(Stored<Target> current, Target target) {
		return updateIfUnchanged(targetParams(this.jdbc.sql("""
				UPDATE tollgate.target SET name = :name, kind = :kind, base_url = :baseUrl, repository = :repository,
				    workflow = :workflow, project = :project, job = :job, ref = :ref, credential_ref = :credentialRef,
				    auth = :auth, app_id = :appId, installation_id = :installationId,
				    template_values = :templateValues, version = version + 1, updated_at = now()
				WHERE id = :id AND version = :version
				RETURNING *
				"""), target), current, this::targetRow);
	}

	void deleteTarget(Stored<Target> current) {
		delete("target", current);
	}

	private JdbcClient.StatementSpec targetParams(JdbcClient.StatementSpec statement, Target target) {
		return statement.param("name", target.name())
			.param("kind", target.kind().name())
			.param("baseUrl", target.baseUrl())
			.param("repository", target.repository())
			.param("workflow", target.workflow())
			.param("project", target.project())
			.param("job", target.job())
			.param("ref", target.ref())
			.param("credentialRef", target.credentialRef())
			.param("auth", target.auth())
			.param("appId", target.appId())
			.param("installationId", target.installationId())
			.param("templateValues", this.json.writeValueAsString(target.templateValues()));
	}

	private Stored<Target> targetRow(ResultSet rs, int row) throws SQLException {
		String text = rs.getString("template_values");
		Map<String, String> values = (text == null || text.isBlank()) ? Map.of()
				: this.json.readValue(text, STRING_MAP);
		// One column holds the kind's inputs, variables or parameters; stored() keeps the
		// kind's own.
		Target target = new Target(rs.getString("name"), Target.Kind.valueOf(rs.getString("kind")),
				rs.getString("base_url"), rs.getString("repository"), rs.getString("workflow"), rs.getString("project"),
				rs.getString("job"), rs.getString("ref"), rs.getString("credential_ref"), values, values, values,
				rs.getString("auth"), rs.getString("app_id"), rs.getString("installation_id"));
		return new Stored<>(rs.getLong("id"), target.stored(), rs.getInt("version"));
	}

	// Gates: each stored as its JSON document

	List<Stored<Gate>> gates() {
		return this.jdbc.sql("SELECT id, spec, version FROM tollgate.gate ORDER BY name").query(this::gateRow).list();
	}

	Optional<Stored<Gate>> gate(String name) {
		return this.jdbc.sql("SELECT id, spec, version FROM tollgate.gate WHERE lower(name) = lower(:name)")
			.param("name", name)
			.query(this::gateRow)
			.optional();
	}

	Stored<Gate> insertGate(Gate gate) {
		return unique("A gate named '" + gate.name() + "' already exists.",
				() -> this.jdbc.sql("""
						INSERT INTO tollgate.gate (name, spec) VALUES (:name, CAST(:spec AS jsonb))
						RETURNING id, spec, version
						""")
					.param("name", gate.name())
					.param("spec", this.json.writeValueAsString(gate))
					.query(this::gateRow)
					.single());
	}

	Stored<Gate> updateGate(Stored<Gate> current, Gate gate) {
		return updateIfUnchanged(this.jdbc.sql("""
				UPDATE tollgate.gate SET spec = CAST(:spec AS jsonb), version = version + 1, updated_at = now()
				WHERE id = :id AND version = :version
				RETURNING id, spec, version
				""").param("spec", this.json.writeValueAsString(gate)), current, this::gateRow);
	}

	void deleteGate(Stored<Gate> current) {
		delete("gate", current);
	}

	private Stored<Gate> gateRow(ResultSet rs, int row) throws SQLException {
		return new Stored<>(rs.getLong("id"), this.json.readValue(rs.getString("spec"), Gate.class),
				rs.getInt("version"));
	}

	// Rules

	List<Stored<Rule>> rules() {
		return this.jdbc.sql("SELECT * FROM tollgate.rule ORDER BY id").query(PolicyTables::ruleRow).list();
	}

	Optional<Stored<Rule>> rule(long id) {
		return this.jdbc.sql("SELECT * FROM tollgate.rule WHERE id = :id")
			.param("id", id)
			.query(PolicyTables::ruleRow)
			.optional();
	}

	Optional<Stored<Rule>> rule(String name) {
		return named("rule", name, PolicyTables::ruleRow);
	}

	Stored<Rule> insertRule(Rule rule) {
		return unique("A rule named '" + rule.name() + "' already exists.", () -> ruleParams(this.jdbc.sql("""
				INSERT INTO tollgate.rule (name, project_key, issue_types, from_status, to_status, allowed_roles,
				    target, mode, comment, revert_on_deny, approval_required, approval_roles,
				    approval_separation_of_duties, approval_expires_after, enabled)
				VALUES (:name, :projectKey, :issueTypes, :fromStatus, :toStatus, :allowedRoles,
				    :target, :mode, :comment, :revertOnDeny, :approvalRequired, :approvalRoles,
				    :approvalSeparationOfDuties, :approvalExpiresAfter, :enabled)
				RETURNING *
				"""), rule).query(PolicyTables::ruleRow).single());
	}

	Stored<Rule> updateRule(Stored<Rule> current, Rule rule) {
		JdbcClient.StatementSpec update = ruleParams(this.jdbc.sql("""
				UPDATE tollgate.rule SET name = :name, project_key = :projectKey, issue_types = :issueTypes,
				    from_status = :fromStatus, to_status = :toStatus, allowed_roles = :allowedRoles,
				    target = :target, mode = :mode, comment = :comment, revert_on_deny = :revertOnDeny,
				    approval_required = :approvalRequired, approval_roles = :approvalRoles,
				    approval_separation_of_duties = :approvalSeparationOfDuties,
				    approval_expires_after = :approvalExpiresAfter, enabled = :enabled,
				    version = version + 1, updated_at = now()
				WHERE id = :id AND version = :version
				RETURNING *
				"""), rule);
		return unique("A rule named '" + rule.name() + "' already exists.",
				() -> updateIfUnchanged(update, current, PolicyTables::ruleRow));
	}

	void deleteRule(Stored<Rule> current) {
		delete("rule", current);
	}

	private static JdbcClient.StatementSpec ruleParams(JdbcClient.StatementSpec statement, Rule rule) {
		Rule.Approval approval = rule.approval();
		return statement.param("name", rule.name())
			.param("projectKey", rule.projectKey())
			.param("issueTypes", rule.issueTypes().toArray(String[]::new))
			.param("fromStatus", rule.fromStatus())
			.param("toStatus", rule.toStatus())
			.param("allowedRoles", rule.allowedRoles().toArray(String[]::new))
			.param("target", rule.target())
			.param("mode", rule.mode().name())
			.param("comment", rule.comment())
			.param("revertOnDeny", rule.revertOnDeny())
			.param("approvalRequired", (approval != null) ? approval.required() : null)
			.param("approvalRoles", (approval != null) ? approval.approverRoles().toArray(String[]::new) : null)
			.param("approvalSeparationOfDuties", (approval != null) ? approval.separationOfDuties() : null)
			.param("approvalExpiresAfter",
					(approval != null && approval.expiresAfter() != null) ? approval.expiresAfter().toString() : null)
			.param("enabled", rule.enabled());
	}

	private static Stored<Rule> ruleRow(ResultSet rs, int row) throws SQLException {
		int required = rs.getInt("approval_required");
		Rule.Approval approval = rs.wasNull() ? null
				: new Rule.Approval(required, strings(rs.getArray("approval_roles")),
						rs.getBoolean("approval_separation_of_duties"), (rs.getString("approval_expires_after") != null)
								? Duration.parse(rs.getString("approval_expires_after")) : null);
		Rule rule = new Rule(rs.getLong("id"), rs.getString("name"), rs.getString("project_key"),
				strings(rs.getArray("issue_types")), rs.getString("from_status"), rs.getString("to_status"),
				strings(rs.getArray("allowed_roles")), rs.getString("target"), Rule.Mode.valueOf(rs.getString("mode")),
				rs.getBoolean("comment"), rs.getBoolean("revert_on_deny"), approval, rs.getBoolean("enabled"));
		return new Stored<>(rule.id(), rule, rs.getInt("version"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? List.of((String[]) array.getArray()) : List.of();
	}

	// Shared

	/**
	 * The row of {@code table} with this name, compared as the unique index does (lower
	 * case).
	 */
	private <T> Optional<T> named(String table, String name, RowMapper<T> row) {
		// The table name is one of four constants, never input.
		return this.jdbc.sql("SELECT * FROM tollgate." + table + " WHERE lower(name) = lower(:name)")
			.param("name", name)
			.query(row)
			.optional();
	}

	/**
	 * Runs an update that says {@code WHERE id = :id AND version = :version}; no row
	 * means a stale read.
	 */
	private static <T> Stored<T> updateIfUnchanged(JdbcClient.StatementSpec update, Stored<T> current,
			RowMapper<Stored<T>> row) {
		return update.param("id", current.id())
			.param("version", current.version())
			.query(row)
			.optional()
			.orElseThrow(PolicyTables::changedConcurrently);
	}

	private void delete(String table, Stored<?> current) {
		// The table name is one of four constants, never input.
		int deleted = this.jdbc.sql("DELETE FROM tollgate." + table + " WHERE id = :id AND version = :version")
			.param("id", current.id())
			.param("version", current.version())
			.update();
		if (deleted == 0) {
			throw changedConcurrently();
		}
	}

	/**
	 * A concurrent create (or rename) of the same name loses with a 409, like a
	 * sequential one.
	 */
	private static <T> T unique(String conflict, Supplier<T> write) {
		try {
			return write.get();
		}
		catch (DuplicateKeyException ex) {
			throw new PolicyProblems.Conflict(conflict);
		}
	}

	/**
	 * A foreign key refused the write: a concurrent request removed what it refers to, or
	 * added what refers to what it removes.
	 */
	private static <T> T referenced(Supplier<T> write, Supplier<RuntimeException> problem) {
		try {
			return write.get();
		}
		catch (DataIntegrityViolationException ex) {
			if (ex.getMostSpecificCause() instanceof SQLException sql
					&& FOREIGN_KEY_VIOLATION.equals(sql.getSQLState())) {
				throw problem.get();
			}
			throw ex;
		}
	}

	private static PolicyProblems.VersionMismatch changedConcurrently() {
		return new PolicyProblems.VersionMismatch("The resource was changed concurrently; read it again.");
	}

}
