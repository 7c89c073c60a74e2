package dev.tollgate.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tollgate.approval.ApprovalGate.Ballot;
import dev.tollgate.approval.ApprovalGate.Outcome;
import dev.tollgate.approval.ApprovalGate.Request;
import dev.tollgate.approval.ApprovalGate.Vote;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table-driven tests of {@link ApprovalGate#judge}: each row is a request, the votes
 * already counted and a new vote, and what the vote does (outcome, approvers so far,
 * approvals missing).
 */
class ApprovalGateTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final String REQUESTER = "acc-requester";

	private static final String APPROVER = "approver";

	private static final Set<String> APPROVER_ROLE = Set.of(APPROVER);

	private static final String GATED = "Ready for Production";

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("cases")
	void judges(String name, Request request, List<Vote> votes, Ballot ballot, Outcome outcome, List<String> approvers,
			int missing) {
		ApprovalGate.Verdict verdict = ApprovalGate.judge(request, votes, ballot);

		assertThat(verdict.outcome()).isEqualTo(outcome);
		assertThat(verdict.approvers()).containsExactlyElementsOf(approvers);
		assertThat(verdict.missing()).isEqualTo(missing);
	}

	static Stream<Arguments> cases() {
		return Stream.of(
				// quorum
				row("the only approval needed grants", pending(1, true), List.of(), approve("a1"), Outcome.GRANTED,
						List.of("a1"), 0),
				row("the first of two approvals is recorded", pending(2, true), List.of(), approve("a1"),
						Outcome.RECORDED, List.of("a1"), 1),
				row("the approval completing the quorum grants, approvers in voting order", pending(3, true),
						List.of(yes("a2"), yes("a1")), approve("a3"), Outcome.GRANTED, List.of("a2", "a1", "a3"), 0),
				row("one of three recorded, two missing", pending(3, true), List.of(), approve("a1"), Outcome.RECORDED,
						List.of("a1"), 2),
				// roles
				row("a voter without an approver role is not eligible", pending(1, true), List.of(),
						ballot("stranger", Set.of("developer"), true), Outcome.NOT_ELIGIBLE, List.of(), 0),
				row("a voter without any role is not eligible", pending(1, true), List.of(),
						ballot("stranger", Set.of(), true), Outcome.NOT_ELIGIBLE, List.of(), 0),
				row("approver roles compare case-insensitively", pending(1, true), List.of(),
						ballot("a1", Set.of("APPROVER"), true), Outcome.GRANTED, List.of("a1"), 0),
				row("one of several approver roles suffices",
						request(ApprovalStatus.PENDING, 1, true, null, List.of("release-manager", APPROVER)), List.of(),
						approve("a1"), Outcome.GRANTED, List.of("a1"), 0),
				row("a deny also needs an approver role", pending(1, true), List.of(),
						ballot("stranger", Set.of(), false), Outcome.NOT_ELIGIBLE, List.of(), 0),
				// separation of duties
				row("the requester cannot approve under separation of duties", pending(1, true), List.of(),
						approve(REQUESTER), Outcome.SELF_APPROVAL, List.of(), 0),
				row("the requester cannot deny either under separation of duties", pending(1, true), List.of(),
						ballot(REQUESTER, APPROVER_ROLE, false), Outcome.SELF_APPROVAL, List.of(), 0),
				row("without separation of duties the requester may approve", pending(1, false), List.of(),
						approve(REQUESTER), Outcome.GRANTED, List.of(REQUESTER), 0),
				row("the role is checked before separation of duties", pending(1, true), List.of(),
						ballot(REQUESTER, Set.of(), true), Outcome.NOT_ELIGIBLE, List.of(), 0),
				// repeat votes
				row("a repeated approval changes nothing", pending(2, true), List.of(yes("a1")), approve("a1"),
						Outcome.DUPLICATE, List.of(), 0),
				row("a deny after one's own approval changes nothing", pending(2, true), List.of(yes("a1")), deny("a1"),
						Outcome.DUPLICATE, List.of(), 0),
				row("a repeat from a voter who lost the role is refused for the role", pending(2, true),
						List.of(yes("a1")), ballot("a1", Set.of(), true), Outcome.NOT_ELIGIBLE, List.of(), 0),
				// rejection
				row("a deny closes the request", pending(2, true), List.of(yes("a1")), deny("a2"), Outcome.DENIED,
						List.of(), 0),
				row("a deny wins even as the first vote of a quorum of one", pending(1, true), List.of(), deny("a1"),
						Outcome.DENIED, List.of(), 0),
				// closed and expired requests
				row("a granted request takes no vote", closed(ApprovalStatus.GRANTED), List.of(yes("a1")),
						approve("a2"), Outcome.CLOSED, List.of(), 0),
				row("a denied request takes no vote", closed(ApprovalStatus.DENIED), List.of(), approve("a2"),
						Outcome.CLOSED, List.of(), 0),
				row("a cancelled request takes no vote, not even a repeat", closed(ApprovalStatus.CANCELLED),
						List.of(yes("a1")), approve("a1"), Outcome.CLOSED, List.of(), 0),
				row("an expired request takes no vote", closed(ApprovalStatus.EXPIRED), List.of(), approve("a1"),
						Outcome.CLOSED, List.of(), 0),
				row("a pending request past its deadline expires", expiring(NOW.minusSeconds(60)), List.of(),
						approve("a1"), Outcome.EXPIRED, List.of(), 0),
				row("a pending request at its deadline expires", expiring(NOW), List.of(), approve("a1"),
						Outcome.EXPIRED, List.of(), 0),
				row("a pending request before its deadline counts", expiring(NOW.plus(Duration.ofHours(1))), List.of(),
						approve("a1"), Outcome.GRANTED, List.of("a1"), 0),
				row("the deadline comes before the role check", expiring(NOW.minusSeconds(1)), List.of(),
						ballot("stranger", Set.of(), true), Outcome.EXPIRED, List.of(), 0),
				// the issue's status
				row("an issue that left the gated status cancels the request", pending(1, true), List.of(),
						inIssueStatus(approve("a1"), "In Progress"), Outcome.ISSUE_MOVED, List.of(), 0),
				row("the gated status compares trimmed and case-insensitively", pending(1, true), List.of(),
						inIssueStatus(approve("a1"), "  ready for production "), Outcome.GRANTED, List.of("a1"), 0),
				row("the issue's move is checked before the role", pending(1, true), List.of(),
						inIssueStatus(ballot("stranger", Set.of(), true), "Done"), Outcome.ISSUE_MOVED, List.of(), 0));
	}

	private static Arguments row(String name, Request request, List<Vote> votes, Ballot ballot, Outcome outcome,
			List<String> approvers, int missing) {
		return Arguments.of(name, request, votes, ballot, outcome, approvers, missing);
	}

	private static Request pending(int required, boolean separationOfDuties) {
		return request(ApprovalStatus.PENDING, required, separationOfDuties, null, List.of(APPROVER));
	}

	private static Request closed(ApprovalStatus status) {
		return request(status, 2, true, null, List.of(APPROVER));
	}

	private static Request expiring(Instant expiresAt) {
		return request(ApprovalStatus.PENDING, 1, true, expiresAt, List.of(APPROVER));
	}

	private static Request request(ApprovalStatus status, int required, boolean separationOfDuties, Instant expiresAt,
			List<String> approverRoles) {
		return new Request(status, REQUESTER, required, approverRoles, separationOfDuties, expiresAt, GATED);
	}

	private static Vote yes(String voter) {
		return new Vote(voter, true);
	}

	private static Ballot approve(String voter) {
		return ballot(voter, APPROVER_ROLE, true);
	}

	private static Ballot deny(String voter) {
		return ballot(voter, APPROVER_ROLE, false);
	}

	private static Ballot ballot(String voter, Set<String> roles, boolean approve) {
		return new Ballot(voter, roles, approve, Optional.empty(), NOW);
	}

	private static Ballot inIssueStatus(Ballot ballot, String issueStatus) {
		return new Ballot(ballot.voter(), ballot.voterRoles(), ballot.approve(), Optional.of(issueStatus),
				ballot.now());
	}

}
