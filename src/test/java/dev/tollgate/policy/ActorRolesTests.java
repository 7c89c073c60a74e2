package dev.tollgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tollgate.policy.RoleBinding.SubjectType;

import static org.assertj.core.api.Assertions.assertThat;

class ActorRolesTests {

	private static final String ACTOR = "5b10ac8d82e05b22cc7d4ef5";

	private static final Set<String> NONE = Set.of();

	@Test
	void userBindingMatchesTheAccountId() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, null));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, NONE, NONE)).containsExactly("release-manager");
	}

	@Test
	void userBindingComparesTheAccountIdExactly() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, null));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR.toUpperCase(), NONE, NONE)).isEmpty();
		assertThat(ActorRoles.resolve(policy, "SHOP", "other-account", NONE, NONE)).isEmpty();
	}

	@Test
	void userBindingNeverMatchesAMissingAccountId() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, null));
		assertThat(ActorRoles.resolve(policy, "SHOP", null, NONE, NONE)).isEmpty();
	}

	@Test
	void missingAccountIdStillGetsGroupAndProjectRoleBindings() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, null),
				binding("developer", SubjectType.GROUP, "jira-developers", null),
				binding("tester", SubjectType.PROJECT_ROLE, "QA", null));
		assertThat(ActorRoles.resolve(policy, "SHOP", null, Set.of("jira-developers"), Set.of("QA")))
			.containsExactlyInAnyOrder("developer", "tester");
	}

	@Test
	void groupBindingByGroupIdMatchesWhateverTheGroupIsNamedNow() {
		PolicySnapshot policy = policy(
				binding("release-manager", SubjectType.GROUP, "5c0e3b0a-8c2d-4a51-9f0e-6d7f1b2a3c4d", null));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR,
				Set.of("release-train-leads", "5c0e3b0a-8c2d-4a51-9f0e-6d7f1b2a3c4d"), NONE))
			.containsExactly("release-manager");
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, Set.of("release-train-leads"), NONE)).isEmpty();
	}

	@Test
	void groupBindingMatchesGroupNamesCaseInsensitively() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.GROUP, "Release-Managers", null));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, Set.of("release-managers"), NONE))
			.containsExactly("release-manager");
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, Set.of(" RELEASE-MANAGERS "), NONE))
			.containsExactly("release-manager");
	}

	@Test
	void groupBindingNeedsTheGroup() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.GROUP, "release-managers", null));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, Set.of("jira-developers"), NONE)).isEmpty();
	}

	@Test
	void projectRoleBindingMatchesProjectRoleNamesCaseInsensitively() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.PROJECT_ROLE, "Administrators", null));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, NONE, Set.of("administrators")))
			.containsExactly("release-manager");
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, NONE, Set.of("Developers"))).isEmpty();
	}

	@Test
	void subjectKindsAreNotMixedUp() {
		PolicySnapshot policy = policy(binding("from-group", SubjectType.GROUP, "Developers", null),
				binding("from-project-role", SubjectType.PROJECT_ROLE, "Administrators", null),
				binding("from-user", SubjectType.USER, "Developers", null));
		// A project role named like a group, and a group named like a binding's account
		// id, grant nothing.
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, Set.of("Administrators"), Set.of("Developers"))).isEmpty();
	}

	@Test
	void projectScopedBindingAppliesOnlyInItsProject() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, "SHOP"),
				binding("developer", SubjectType.GROUP, "jira-developers", "SHOP"),
				binding("tester", SubjectType.PROJECT_ROLE, "QA", "SHOP"));
		Set<String> groups = Set.of("jira-developers");
		Set<String> projectRoles = Set.of("QA");
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, groups, projectRoles))
			.containsExactlyInAnyOrder("release-manager", "developer", "tester");
		assertThat(ActorRoles.resolve(policy, "CORE", ACTOR, groups, projectRoles)).isEmpty();
		assertThat(ActorRoles.resolve(policy, null, ACTOR, groups, projectRoles)).isEmpty();
	}

	@Test
	void projectScopeComparesProjectKeysCaseInsensitively() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, "shop"));
		assertThat(ActorRoles.resolve(policy, "SHOP", ACTOR, NONE, NONE)).containsExactly("release-manager");
	}

	@Test
	void unscopedBindingAppliesInEveryProject() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, null));
		for (String project : List.of("SHOP", "CORE", "ops")) {
			assertThat(ActorRoles.resolve(policy, project, ACTOR, NONE, NONE)).as(project)
				.containsExactly("release-manager");
		}
	}

	@Test
	void severalBindingsGiveTheUnionOfRoles() {
		PolicySnapshot policy = policy(binding("release-manager", SubjectType.USER, ACTOR, null),
				binding("developer", SubjectType.GROUP, "jira-developers", null),
				binding("release-manager", SubjectType.GROUP, "release-managers", null),
				binding("tester", SubjectType.PROJECT_ROLE, "QA", "SHOP"),
				binding("sre", SubjectType.PROJECT_ROLE, "QA", "CORE"),
				binding("admin", SubjectType.GROUP, "site-admins", null));
		assertThat(
				ActorRoles.resolve(policy, "SHOP", ACTOR, Set.of("jira-developers", "release-managers"), Set.of("QA")))
			.containsExactlyInAnyOrder("release-manager", "developer", "tester");
	}

	@Test
	void noBindingsNoRoles() {
		assertThat(ActorRoles.resolve(PolicySnapshot.empty(), "SHOP", ACTOR, Set.of("jira-developers"), Set.of("QA")))
			.isEmpty();
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("needsCases")
	void needsAskJiraOnlyForBindingKindsThatCanApply(PolicySnapshot policy, SubjectType kind, String projectKey,
			boolean expected) {
		assertThat(ActorRoles.needs(policy, kind, projectKey)).isEqualTo(expected);
	}

	static Stream<Arguments> needsCases() {
		PolicySnapshot usersOnly = policy(binding("release-manager", SubjectType.USER, ACTOR, null));
		PolicySnapshot groupInShop = policy(binding("developer", SubjectType.GROUP, "jira-developers", "SHOP"));
		PolicySnapshot projectRoleEverywhere = policy(binding("tester", SubjectType.PROJECT_ROLE, "QA", null),
				binding("developer", SubjectType.GROUP, "jira-developers", "CORE"));
		return Stream.of(needs("no bindings: no users", PolicySnapshot.empty(), SubjectType.USER, "SHOP", false),
				needs("no bindings: no groups", PolicySnapshot.empty(), SubjectType.GROUP, "SHOP", false),
				needs("no bindings: no project roles", PolicySnapshot.empty(), SubjectType.PROJECT_ROLE, "SHOP", false),
				needs("user binding: users", usersOnly, SubjectType.USER, "SHOP", true),
				needs("user binding: no groups", usersOnly, SubjectType.GROUP, "SHOP", false),
				needs("user binding: no project roles", usersOnly, SubjectType.PROJECT_ROLE, "SHOP", false),
				needs("group in SHOP: groups in SHOP", groupInShop, SubjectType.GROUP, "SHOP", true),
				needs("group in SHOP: groups in shop (case)", groupInShop, SubjectType.GROUP, "shop", true),
				needs("group in SHOP: no groups in CORE", groupInShop, SubjectType.GROUP, "CORE", false),
				needs("group in SHOP: no project roles in SHOP", groupInShop, SubjectType.PROJECT_ROLE, "SHOP", false),
				needs("unscoped project role: project roles in SHOP", projectRoleEverywhere, SubjectType.PROJECT_ROLE,
						"SHOP", true),
				needs("unscoped project role: project roles in OPS", projectRoleEverywhere, SubjectType.PROJECT_ROLE,
						"OPS", true),
				needs("group in CORE: no groups in SHOP", projectRoleEverywhere, SubjectType.GROUP, "SHOP", false),
				needs("group in CORE: groups in CORE", projectRoleEverywhere, SubjectType.GROUP, "CORE", true));
	}

	private static Arguments needs(String description, PolicySnapshot policy, SubjectType kind, String projectKey,
			boolean expected) {
		return Arguments.of(Named.of(description, policy), kind, projectKey, expected);
	}

	private static RoleBinding binding(String role, SubjectType kind, String subject, String projectKey) {
		return new RoleBinding(0, role, kind, subject, projectKey);
	}

	private static PolicySnapshot policy(RoleBinding... bindings) {
		return new PolicySnapshot(1, Set.of(), List.of(bindings), Map.of(), List.of(), List.of());
	}

}
