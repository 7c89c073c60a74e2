package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tollgate.policy.Decision.Outcome;
import dev.tollgate.policy.RoleBinding.SubjectType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table-driven tests of {@link DecisionEngine#decide}: each row is a transition, the
 * actor's roles and a policy snapshot, and the decisions expected in order (outcome, rule
 * id, dry run, reason fragments).
 */
class DecisionEngineTests {

	private static final String ACTOR = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077";

	private static final String DEPLOY = "deploy-prod";

	private static final String BUILD = "build-gl";

	private static final String RELEASE_MANAGER = "release-manager";

	private static final Set<String> RELEASE_MANAGER_ROLE = Set.of(RELEASE_MANAGER);

	private static final Set<String> NO_ROLES = Set.of();

	private static final Transition SHOP_TO_PROD = transition("SHOP", "Story", "In Progress", "Ready for Production");

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("cases")
	void decides(Case row) {
		List<Decision> decisions = DecisionEngine.decide(row.transition(), row.roles(), row.snapshot());

		assertThat(decisions).hasSize(row.expected().size());
		for (int i = 0; i < decisions.size(); i++) {
			Decision actual = decisions.get(i);
			Expected expected = row.expected().get(i);
			String which = "decision #" + i + " " + actual;
			assertThat(actual.outcome()).as(which).isEqualTo(expected.outcome());
			assertThat(ruleId(actual)).as(which).isEqualTo(expected.ruleId());
			assertThat(actual.dryRun()).as(which).isEqualTo(expected.dryRun());
			if (expected.dryRun()) {
				assertThat(actual.reason()).as(which).startsWith("Dry run: ");
			}
			else {
				assertThat(actual.reason()).as(which).doesNotContainIgnoringCase("dry run");
			}
			assertThat(actual.reason()).as(which).contains(expected.reasonFragments());
		}
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("cases")
	void anyRuleMatchesIsFalseExactlyWhenTheOutcomeIsIgnored(Case row) {
		boolean ignored = row.expected().get(0).outcome() == Outcome.IGNORED;
		assertThat(DecisionEngine.anyRuleMatches(row.transition(), row.snapshot())).isEqualTo(!ignored);
	}

	static Stream<Arguments> cases() {
		return Stream
			.of(projectKeys(), issueTypes(), fromStatuses(), toStatuses(), disabledRules(), dryRun(), noMatch(),
					severalRules(), actorRoles(), projectScopedBindings(), nobodyAllowed(), approvals(), targets(),
					reasons())
			.flatMap(Function.identity());
	}

	static Stream<Arguments> projectKeys() {
		return Stream.of(
				row("project key matches exactly", SHOP_TO_PROD, RELEASE_MANAGER_ROLE, policy(rule(1).project("SHOP")),
						allowed(1, "holds role release-manager")),
				row("project key is compared case-insensitively", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).project("shop")), allowedByDefaultRule(1)),
				row("project key is trimmed", SHOP_TO_PROD, RELEASE_MANAGER_ROLE, policy(rule(1).project(" SHOP ")),
						allowedByDefaultRule(1)),
				row("other project key does not match",
						transition("CORE", "Story", "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).project("SHOP")), ignored("No rule matches", "CORE")),
				row("project key * matches any project",
						transition("CORE", "Story", "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).project("*")), allowed(1, "CORE: In Progress")));
	}

	static Stream<Arguments> issueTypes() {
		return Stream.of(
				row("no issue types means any type", transition("SHOP", "Bug", "In Progress", "Ready for Production"),
						RELEASE_MANAGER_ROLE, policy(rule(1).types()), allowedByDefaultRule(1)),
				row("no issue types also matches a transition without a type",
						transition("SHOP", null, "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).types()), allowedByDefaultRule(1)),
				row("issue type among the listed types",
						transition("SHOP", "Bug", "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).types("Story", "Bug")), allowedByDefaultRule(1)),
				row("issue type compared case-insensitively",
						transition("SHOP", "story", "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).types("STORY")), allowedByDefaultRule(1)),
				row("issue type in the rule is trimmed (' story ')", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).types(" story ")), allowedByDefaultRule(1)),
				row("issue type not listed does not match",
						transition("SHOP", "Task", "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).types("Story", "Bug")),
						ignored("No rule matches Task in SHOP: In Progress → Ready for Production.")),
				row("issue type * matches any type", transition("SHOP", "Epic", "In Progress", "Ready for Production"),
						RELEASE_MANAGER_ROLE, policy(rule(1).types("*")), allowedByDefaultRule(1)),
				row("listed types do not match a transition without a type",
						transition("SHOP", null, "In Progress", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).types("Story")), ignored("No rule matches SHOP: In Progress")));
	}

	static Stream<Arguments> fromStatuses() {
		return Stream.of(
				row("from status matches exactly", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).from("In Progress")), allowedByDefaultRule(1)),
				row("from status compared case-insensitively",
						transition("SHOP", "Story", "IN PROGRESS", "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).from("in progress")), allowed(1, "IN PROGRESS →")),
				row("from status is trimmed", transition("SHOP", "Story", " In Progress  ", "Ready for Production"),
						RELEASE_MANAGER_ROLE, policy(rule(1).from("  In Progress")), allowedByDefaultRule(1)),
				row("other from status does not match", transition("SHOP", "Story", "To Do", "Ready for Production"),
						RELEASE_MANAGER_ROLE, policy(rule(1).from("In Progress")),
						ignored("To Do → Ready for Production")),
				row("from status * matches any status", transition("SHOP", "Story", "Review", "Ready for Production"),
						RELEASE_MANAGER_ROLE, policy(rule(1).from("*")), allowedByDefaultRule(1)),
				row("created issue (no from status) matches from status *",
						transition("SHOP", "Story", null, "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).from("*")), allowed(1, "SHOP: (created) → Ready for Production")),
				row("created issue does not match a named from status",
						transition("SHOP", "Story", null, "Ready for Production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).from("To Do")), ignored("(created) → Ready for Production")));
	}

	static Stream<Arguments> toStatuses() {
		return Stream.of(
				row("to status matches exactly", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).to("Ready for Production")), allowedByDefaultRule(1)),
				row("to status compared case-insensitively",
						transition("SHOP", "Story", "In Progress", "ready FOR production"), RELEASE_MANAGER_ROLE,
						policy(rule(1).to("Ready for Production")), allowedByDefaultRule(1)),
				row("to status is trimmed", transition("SHOP", "Story", "In Progress", "Ready for Production "),
						RELEASE_MANAGER_ROLE, policy(rule(1).to(" Ready for Production")), allowedByDefaultRule(1)),
				row("other to status does not match", transition("SHOP", "Story", "In Progress", "Done"),
						RELEASE_MANAGER_ROLE, policy(rule(1).to("Ready for Production")),
						ignored("In Progress → Done")),
				row("to status * matches any status", transition("SHOP", "Story", "In Progress", "Done"),
						RELEASE_MANAGER_ROLE, policy(rule(1).to("*")), allowed(1, "In Progress → Done")),
				row("* as both statuses matches a created issue", transition("SHOP", "Story", null, "To Do"),
						RELEASE_MANAGER_ROLE, policy(rule(1).from("*").to("*")), allowedByDefaultRule(1)));
	}

	static Stream<Arguments> disabledRules() {
		return Stream.of(
				row("the only matching rule is disabled", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).disabled()), ignored("No rule matches")),
				row("disabled rule skipped, enabled one decides", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).disabled(), rule(2)), allowedByDefaultRule(2)),
				row("disabled rule pointing to a missing target is not an error", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).target("gone").disabled()), ignored("No rule matches")),
				row("disabled deny-only rule does not deny", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).roles().disabled(), rule(2)), allowedByDefaultRule(2)));
	}

	static Stream<Arguments> dryRun() {
		return Stream.of(
				row("dry-run rule records ALLOWED", SHOP_TO_PROD, RELEASE_MANAGER_ROLE, policy(rule(1).dryRun()),
						dry(allowed(1, "holds role release-manager"))),
				row("dry-run rule records DENIED", SHOP_TO_PROD, Set.of("developer"), policy(rule(1).dryRun()),
						dry(denied(1, "lacks role release-manager"))),
				row("dry-run rule records PENDING_APPROVAL", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).dryRun().approval(2, "approver")), dry(pending(1, "needs 2 approvals"))),
				row("dry-run rule that allows nobody", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).dryRun().roles()), dry(denied(1, "Dry run: Rule 'rule 1' allows nobody"))),
				row("dry-run rule with a missing target records ERROR", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).dryRun().target("gone")), dry(error(1, "target 'gone'"))),
				row("dry-run and enforced rules side by side", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).dryRun(), rule(2).target(BUILD)), dry(allowed(1, "target deploy-prod")),
						allowed(2, "target build-gl")));
	}

	static Stream<Arguments> noMatch() {
		return Stream.of(
				row("no rules at all: one IGNORED without a rule", SHOP_TO_PROD, RELEASE_MANAGER_ROLE, policy(),
						ignored("No rule matches Story in SHOP: In Progress → Ready for Production.")),
				row("no rules and no roles: still IGNORED, never DENIED", SHOP_TO_PROD, NO_ROLES, policy(),
						ignored("No rule matches")),
				row("only non-matching rules: exactly one IGNORED", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).project("CORE"), rule(2).types("Bug"), rule(3).from("To Do"),
								rule(4).to("Done")),
						ignored("No rule matches")));
	}

	static Stream<Arguments> severalRules() {
		return Stream.of(
				row("two matching rules give two decisions (build and deploy)", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).target(BUILD), rule(2).target(DEPLOY)), allowed(1, "target build-gl"),
						allowed(2, "target deploy-prod")),
				row("decisions come in rule-id order although the snapshot list is not", SHOP_TO_PROD,
						RELEASE_MANAGER_ROLE, policy(rule(30), rule(10), rule(20)), allowedByDefaultRule(10),
						allowedByDefaultRule(20), allowedByDefaultRule(30)),
				row("matching and non-matching rules: only the matching ones decide", SHOP_TO_PROD,
						RELEASE_MANAGER_ROLE, policy(rule(4), rule(3).project("CORE"), rule(2).to("Done"), rule(1)),
						allowedByDefaultRule(1), allowedByDefaultRule(4)),
				row("each matching rule has its own outcome", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(3).approval(1, "approver"), rule(1), rule(2).roles("sre"), rule(4).target("gone")),
						allowedByDefaultRule(1), denied(2, "lacks role sre"),
						pending(3, "needs 1 approval from approver"), error(4, "target 'gone'")));
	}

	static Stream<Arguments> actorRoles() {
		return Stream.of(
				row("actor with several roles holds the required one", SHOP_TO_PROD,
						Set.of("developer", RELEASE_MANAGER, "tester"), policy(rule(1)),
						allowed(1, "holds role release-manager")),
				row("rule with several roles, actor holds the second", SHOP_TO_PROD, Set.of("sre", "developer"),
						policy(rule(1).roles(RELEASE_MANAGER, "sre")), allowed(1, "holds role sre")),
				row("actor with several roles, none of them required", SHOP_TO_PROD, Set.of("developer", "tester"),
						policy(rule(1)), denied(1, "lacks role release-manager")),
				row("actor without roles is denied", SHOP_TO_PROD, NO_ROLES, policy(rule(1)),
						denied(1, "lacks role release-manager")),
				row("role names compared case-insensitively", SHOP_TO_PROD, Set.of("Release-Manager"),
						policy(rule(1).roles("RELEASE-MANAGER")), allowed(1, "holds role RELEASE-MANAGER")),
				row("role names are trimmed", SHOP_TO_PROD, Set.of(" release-manager "),
						policy(rule(1).roles("Release-Manager")), allowed(1, "holds role Release-Manager")),
				row("rule with several roles, actor holds none: all are named", SHOP_TO_PROD, Set.of("developer"),
						policy(rule(1).roles(RELEASE_MANAGER, "sre")), denied(1, "lacks role release-manager or sre")),
				row("actor unknown (no account id) is denied",
						transition("SHOP", "Story", "In Progress", "Ready for Production", null), NO_ROLES,
						policy(rule(1)), denied(1, "An unknown actor lacks role release-manager")));
	}

	/**
	 * Roles resolved by {@link ActorRoles} from the snapshot's bindings, as the
	 * evaluation job does.
	 */
	static Stream<Arguments> projectScopedBindings() {
		PolicySnapshot scoped = policy(
				List.of(binding(RELEASE_MANAGER, SubjectType.USER, ACTOR, "shop"),
						binding("sre", SubjectType.GROUP, "site-reliability", "CORE")),
				rule(1).project("*").roles(RELEASE_MANAGER), rule(2).project("*").roles("sre"));
		PolicySnapshot unscoped = policy(List.of(binding(RELEASE_MANAGER, SubjectType.USER, ACTOR, null)),
				rule(1).project("*"));
		Transition inShop = SHOP_TO_PROD;
		Transition inCore = transition("CORE", "Story", "In Progress", "Ready for Production");
		Set<String> groups = Set.of("Site-Reliability");
		return Stream.of(
				row("binding scoped to SHOP grants its role in SHOP only", inShop, rolesOf(scoped, inShop, groups),
						scoped, allowed(1, "holds role release-manager"), denied(2, "lacks role sre")),
				row("binding scoped to CORE grants its role in CORE only", inCore, rolesOf(scoped, inCore, groups),
						scoped, denied(1, "lacks role release-manager"), allowed(2, "holds role sre")),
				row("unscoped binding grants its role in every project", inCore, rolesOf(unscoped, inCore, Set.of()),
						unscoped, allowed(1, "holds role release-manager", "CORE")));
	}

	static Stream<Arguments> nobodyAllowed() {
		return Stream.of(
				row("empty allowed roles denies a role holder", SHOP_TO_PROD, Set.of(RELEASE_MANAGER, "admin"),
						policy(rule(1).named("freeze").roles()),
						denied(1, "Rule 'freeze' allows nobody to make SHOP: In Progress → Ready for Production.")),
				row("empty allowed roles denies an actor without roles", SHOP_TO_PROD, NO_ROLES,
						policy(rule(1).roles()), denied(1, "allows nobody")),
				row("empty allowed roles denies even with an approval gate", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).roles().approval(1, "approver")), denied(1, "allows nobody")));
	}

	static Stream<Arguments> approvals() {
		return Stream.of(
				row("approval gate makes an allowed actor wait", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).approval(2, "approver", "cab")),
						pending(1, "holds role release-manager", "needs 2 approvals from approver or cab",
								"before target deploy-prod starts")),
				row("one approval is singular", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).approval(1, "approver")), pending(1, "needs 1 approval from approver before")),
				row("approval with required 0 is no gate", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).approval(0, "approver")), allowedByDefaultRule(1)),
				row("approval gate does not help an actor without the role", SHOP_TO_PROD, Set.of("approver"),
						policy(rule(1).approval(1, "approver")), denied(1, "lacks role release-manager")),
				row("approval gate with a missing target is an error", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).approval(1, "approver").target("gone")), error(1, "target 'gone'")));
	}

	static Stream<Arguments> targets() {
		return Stream.of(
				row("missing target makes an allowed decision an error", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).named("prod deploy").target("gone")),
						error(1, "Rule 'prod deploy' points to target 'gone', which does not exist.")),
				row("missing target does not turn a denial into an error", SHOP_TO_PROD, Set.of("developer"),
						policy(rule(1).target("gone")), denied(1, "lacks role release-manager")),
				row("target name is looked up case-insensitively", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).target("Deploy-Prod")), allowed(1, "; target Deploy-Prod.")),
				row("rule without a target is allowed and starts nothing", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).target(null)), allowed(1, "; no target.")));
	}

	static Stream<Arguments> reasons() {
		return Stream.of(
				row("DENIED reason names role, rule, project and from → to", SHOP_TO_PROD, Set.of("developer"),
						policy(rule(1).named("prod deploy")),
						denied(1,
								ACTOR + " lacks role release-manager required by rule 'prod deploy' for SHOP: "
										+ "In Progress → Ready for Production.")),
				row("ALLOWED reason names the held role and the target", SHOP_TO_PROD, RELEASE_MANAGER_ROLE,
						policy(rule(1).named("prod deploy")),
						allowed(1,
								ACTOR + " holds role release-manager required by rule 'prod deploy' for SHOP: "
										+ "In Progress → Ready for Production; target deploy-prod.")),
				// Account ids are quoted exactly, never re-cased, so the audit log can be
				// searched by them.
				row("DENIED reason quotes an account id starting with a letter verbatim",
						transition("SHOP", "Story", "In Progress", "Ready for Production", "abc123def456"), NO_ROLES,
						policy(rule(1)), denied(1, "abc123def456 lacks role release-manager")));
	}

	// ---- rows and expectations

	record Case(Transition transition, Set<String> roles, PolicySnapshot snapshot, List<Expected> expected) {

	}

	record Expected(Outcome outcome, Long ruleId, boolean dryRun, String... reasonFragments) {

		@Override
		public String toString() {
			return this.outcome + "(" + this.ruleId + ", dryRun=" + this.dryRun + ", "
					+ Arrays.toString(this.reasonFragments) + ")";
		}

	}

	private static Arguments row(String description, Transition transition, Set<String> roles, PolicySnapshot snapshot,
			Expected... expected) {
		return Arguments.of(Named.of(description, new Case(transition, roles, snapshot, List.of(expected))));
	}

	private static Expected allowed(long ruleId, String reasonFragment, String... more) {
		return new Expected(Outcome.ALLOWED, ruleId, false, fragments(reasonFragment, more));
	}

	/**
	 * ALLOWED by the fixture rule of that id ("rule {id}") for the release-manager role.
	 */
	private static Expected allowedByDefaultRule(long ruleId) {
		return allowed(ruleId, "holds role release-manager required by rule 'rule " + ruleId + "'");
	}

	private static Expected denied(long ruleId, String reasonFragment, String... more) {
		return new Expected(Outcome.DENIED, ruleId, false, fragments(reasonFragment, more));
	}

	private static Expected pending(long ruleId, String reasonFragment, String... more) {
		return new Expected(Outcome.PENDING_APPROVAL, ruleId, false, fragments(reasonFragment, more));
	}

	private static Expected error(long ruleId, String reasonFragment, String... more) {
		return new Expected(Outcome.ERROR, ruleId, false, fragments(reasonFragment, more));
	}

	private static Expected ignored(String reasonFragment, String... more) {
		return new Expected(Outcome.IGNORED, null, false, fragments(reasonFragment, more));
	}

	private static String[] fragments(String first, String... more) {
		return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
	}

	private static Expected dry(Expected expected) {
		return new Expected(expected.outcome(), expected.ruleId(), true, expected.reasonFragments());
	}

	private static Long ruleId(Decision decision) {
		return (decision.rule() != null) ? decision.rule().id() : null;
	}

	// ---- fixtures

	private static Transition transition(String projectKey, String issueType, String from, String to) {
		return transition(projectKey, issueType, from, to, ACTOR);
	}

	private static Transition transition(String projectKey, String issueType, String from, String to, String actor) {
		return new Transition(projectKey, issueType, from, to, actor);
	}

	private static RoleBinding binding(String role, SubjectType kind, String subject, String projectKey) {
		return new RoleBinding(0, role, kind, subject, projectKey);
	}

	private static Set<String> rolesOf(PolicySnapshot snapshot, Transition transition, Set<String> groups) {
		return ActorRoles.resolve(snapshot, transition.projectKey(), transition.actorAccountId(), groups, Set.of());
	}

	/**
	 * A snapshot with the targets {@value #DEPLOY} and {@value #BUILD}, no bindings, and
	 * the rules as given.
	 */
	private static PolicySnapshot policy(RuleFixture... rules) {
		return policy(List.of(), rules);
	}

	private static PolicySnapshot policy(List<RoleBinding> bindings, RuleFixture... rules) {
		List<Rule> built = new ArrayList<>();
		for (RuleFixture rule : rules) {
			built.add(rule.build());
		}
		return new PolicySnapshot(1, Set.of(RELEASE_MANAGER, "sre", "approver"), bindings,
				Map.of(DEPLOY, Target.noop(DEPLOY), BUILD, Target.noop(BUILD)), built, List.of());
	}

	/**
	 * An enabled, enforced rule named "rule {id}" for SHOP, any type,
	 * {@code * → Ready for Production}, allowing release-manager, starting deploy-prod,
	 * without approval.
	 */
	private static RuleFixture rule(long id) {
		return new RuleFixture(id);
	}

	private static final class RuleFixture {

		private final long id;

		private String name;

		private String projectKey = "SHOP";

		private List<String> issueTypes = List.of();

		private String fromStatus = "*";

		private String toStatus = "Ready for Production";

		private List<String> allowedRoles = List.of(RELEASE_MANAGER);

		private String target = DEPLOY;

		private Rule.Mode mode = Rule.Mode.ENFORCE;

		private Rule.Approval approval;

		private boolean enabled = true;

		RuleFixture(long id) {
			this.id = id;
			this.name = "rule " + id;
		}

		RuleFixture named(String name) {
			this.name = name;
			return this;
		}

		RuleFixture project(String projectKey) {
			this.projectKey = projectKey;
			return this;
		}

		RuleFixture types(String... issueTypes) {
			this.issueTypes = List.of(issueTypes);
			return this;
		}

		RuleFixture from(String fromStatus) {
			this.fromStatus = fromStatus;
			return this;
		}

		RuleFixture to(String toStatus) {
			this.toStatus = toStatus;
			return this;
		}

		RuleFixture roles(String... allowedRoles) {
			this.allowedRoles = List.of(allowedRoles);
			return this;
		}

		RuleFixture target(String target) {
			this.target = target;
			return this;
		}

		RuleFixture dryRun() {
			this.mode = Rule.Mode.DRY_RUN;
			return this;
		}

		RuleFixture approval(int required, String... approverRoles) {
			this.approval = new Rule.Approval(required, List.of(approverRoles), true, null);
			return this;
		}

		RuleFixture disabled() {
			this.enabled = false;
			return this;
		}

		Rule build() {
			return new Rule(this.id, this.name, this.projectKey, this.issueTypes, this.fromStatus, this.toStatus,
					this.allowedRoles, this.target, this.mode, true, false, this.approval, this.enabled);
		}

	}

}
