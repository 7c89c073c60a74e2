package dev.tollgate.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tollgate.policy.PolicyTables.Stored;
import dev.tollgate.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The policy tables against the real schema: every column survives a round trip, and the
 * version check refuses writes based on a stale read even when two admins pass the ETag
 * check at once. Each test runs in a transaction that is rolled back, so the shared
 * policy is left as it was.
 */
@Transactional
class PolicyTablesTests extends IntegrationTest {

	@Autowired
	private PolicyTables tables;

	@Test
	void anUpdateBasedOnAStaleReadIsRefusedAndLeavesTheNewerValue() {
		String name = unique("role");
		this.tables.insertRole(new RoleView(name, "first"));
		Stored<RoleView> readByA = this.tables.role(name).orElseThrow();
		Stored<RoleView> readByB = this.tables.role(name).orElseThrow();

		Stored<RoleView> written = this.tables.updateRole(readByA, new RoleView(name, "by A"));

		assertThat(written.version()).isEqualTo(readByA.version() + 1);
		assertThatThrownBy(() -> this.tables.updateRole(readByB, new RoleView(name, "by B")))
			.isInstanceOf(PolicyProblems.VersionMismatch.class);
		assertThatThrownBy(() -> this.tables.deleteRole(readByB)).isInstanceOf(PolicyProblems.VersionMismatch.class);
		assertThat(this.tables.role(name).orElseThrow().value().description()).isEqualTo("by A");
	}

	@Test
	void aRuleDeletedOnAStaleReadIsRefused() {
		Stored<Rule> created = this.tables.insertRule(rule(unique("rule"), null));
		this.tables.updateRule(created, rule(created.value().name(), null));

		assertThatThrownBy(() -> this.tables.deleteRule(created)).isInstanceOf(PolicyProblems.VersionMismatch.class);
		assertThat(this.tables.rule(created.id())).isPresent();
	}

	@Test
	void aNameTakenBetweenTheCheckAndTheInsertIsAConflictNotAnError() {
		String name = unique("target");
		this.tables.insertTarget(Target.noop(name));

		assertThatThrownBy(() -> this.tables.insertTarget(Target.noop(name.toUpperCase(java.util.Locale.ROOT))))
			.isInstanceOf(PolicyProblems.Conflict.class)
			.hasMessageContaining("already exists");
	}

	@Test
	void aRuleKeepsEveryFieldIncludingItsApproval() {
		Rule.Approval approval = new Rule.Approval(2, List.of("release-manager", "sre"), true, Duration.ofHours(4));
		Rule wanted = rule(unique("rule"), approval);

		Stored<Rule> created = this.tables.insertRule(wanted);

		Rule read = this.tables.rule(created.id()).orElseThrow().value();
		assertThat(read).isEqualTo(new Rule(created.id(), wanted.name(), wanted.projectKey(), wanted.issueTypes(),
				wanted.fromStatus(), wanted.toStatus(), wanted.allowedRoles(), wanted.target(), wanted.mode(),
				wanted.comment(), wanted.revertOnDeny(), approval, wanted.enabled()));
		assertThat(this.tables.rule(created.value().name().toUpperCase(java.util.Locale.ROOT))).isPresent();
	}

	@Test
	void aRuleWithoutApprovalReadsBackWithout() {
		Stored<Rule> created = this.tables.insertRule(rule(unique("rule"), null));

		assertThat(this.tables.rule(created.id()).orElseThrow().value().approval()).isNull();
	}

	@Test
	void aTargetKeepsItsFieldsAndOnlyItsKindsTemplateMap() {
		String name = unique("target");
		Target gitlab = new Target(name, Target.Kind.GITLAB, "https://gitlab.example.com", null, null, "group/app",
				null, "main", "env:GITLAB_TOKEN", Map.of("ignored", "x"),
				Map.of("ISSUE", "{{issueKey}}", "ENV", "prod"), null, "ACCESS_TOKEN", null, null);

		this.tables.insertTarget(gitlab);

		Target read = this.tables.target(name).orElseThrow().value();
		assertThat(read.variables()).containsExactlyInAnyOrderEntriesOf(Map.of("ISSUE", "{{issueKey}}", "ENV", "prod"));
		assertThat(read.inputs()).isNull();
		assertThat(read.parameters()).isNull();
		assertThat(read).usingRecursiveComparison().ignoringFields("inputs").isEqualTo(gitlab);
	}

	@Test
	void anUpdateMaySpellTheNameDifferentlySoAPolicyDocumentSettles() {
		String name = unique("target");
		Stored<Target> stored = this.tables.insertTarget(Target.noop(name));
		String upper = name.toUpperCase(java.util.Locale.ROOT);

		assertThat(this.tables.updateTarget(stored, Target.noop(upper)).value().name()).isEqualTo(upper);
		Stored<RoleView> role = this.tables.insertRole(new RoleView(name, null));
		assertThat(this.tables.updateRole(role, new RoleView(upper, "x")).value().name()).isEqualTo(upper);
	}

	@Test
	void aBindingReadsBackWithItsRoleName() {
		String role = unique("role");
		Stored<RoleView> stored = this.tables.insertRole(new RoleView(role, null));

		RoleBinding binding = this.tables.insertBinding(stored, RoleBinding.SubjectType.GROUP, "release-team", "OPS");

		assertThat(binding)
			.isEqualTo(new RoleBinding(binding.id(), role, RoleBinding.SubjectType.GROUP, "release-team", "OPS"));
		assertThat(this.tables.bindingsOf(stored.id())).isEqualTo(1);
		assertThatThrownBy(
				() -> this.tables.insertBinding(stored, RoleBinding.SubjectType.GROUP, "release-team", "ops"))
			.isInstanceOf(PolicyProblems.Conflict.class);
	}

	@Test
	void aBindingForARoleDeletedAfterItWasFoundIsRejectedNotAnError() {
		Stored<RoleView> stored = this.tables.insertRole(new RoleView(unique("role"), null));
		this.tables.deleteRole(stored);

		assertThatThrownBy(() -> this.tables.insertBinding(stored, RoleBinding.SubjectType.USER, "someone", null))
			.isInstanceOfSatisfying(PolicyProblems.Rejected.class,
					(ex) -> assertThat(ex.problems()).extracting(PolicyProblems.FieldProblem::field)
						.containsExactly("role"));
	}

	@Test
	void aRoleBoundAfterItsBindingsWereCountedIsStillInUseNotAnError() {
		Stored<RoleView> stored = this.tables.insertRole(new RoleView(unique("role"), null));
		this.tables.insertBinding(stored, RoleBinding.SubjectType.USER, "someone", null);

		assertThatThrownBy(() -> this.tables.deleteRole(stored)).isInstanceOf(PolicyProblems.Conflict.class);
	}

	private static Rule rule(String name, Rule.Approval approval) {
		return new Rule(0, name, "OPS", List.of("Bug", "Story"), "In Review", "Done", List.of("developer"), null,
				Rule.Mode.DRY_RUN, false, true, approval, false);
	}

	private static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
