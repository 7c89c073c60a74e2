package dev.tollgate.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.JiraPayloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection against real Tollgate processes: three replicas from the packaged jar
 * on one PostgreSQL database (through a TCP proxy that can cut it), loopback stand-ins
 * for Jira and GitHub, signed deliveries round-robin over HTTP. Each scenario prints one
 * summary line:
 * <pre>scenario=&lt;name&gt; sent=N acknowledged=N decided=N triggered=N duplicates=N lost=N drain=&lt;ms&gt; …</pre>
 * and asserts what Tollgate promises: every acknowledged delivery is decided exactly
 * once, every allowed decision reaches the CI system (repeats only for calls cut off
 * mid-flight, each with the same decision id), every decision is commented exactly once,
 * no job is left dead or leased.
 * <p>
 * Runs in {@code verify} (failsafe, after {@code package}). {@code -Psoak} multiplies the
 * counts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionLaunchTests {

	private static final Path LOG_DIR = Path.of("target", "faults");

	private static final Duration START = Duration.ofSeconds(150);

	private static final int N = 240 * Faults.SCALE;

	private static final Duration DRAIN = Duration.ofSeconds(90 + 30L * Faults.SCALE);

	private static Cluster cluster;

	@BeforeAll
	static void startCluster() throws Exception {
		Path jar = Path.of(System.getProperty("tollgate.jar", "target/tollgate.jar"));
		assertThat(jar).as("the packaged jar (run after package)").exists();
		cluster = Cluster.create(jar, 3, LOG_DIR);
		try {
			cluster.startAll(START);
			cluster.installPolicy(List.of("RR", "CRASH", "DBCUT", "CIOUT", "TERM"), "JIRA");
		}
		catch (Throwable ex) {
			System.out.println(cluster.logTails(80));
			throw ex;
		}
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void allReplicasUpAndStubsHealthy() {
		cluster.ci.mode(FakeCi.Mode.OK);
		cluster.ci.latency(0);
		cluster.jira.identity(FakeJira.Mode.OK);
		cluster.jira.comments(FakeJira.Mode.OK);
		cluster.ensureAllRunning(START);
	}

	@Test
	@Order(1)
	void replicasTriggerEachDecisionOnce() throws Exception {
		run("replicas", "RR", 1, () -> {
			Traffic.Running traffic = send("RR", 1, N, Cluster.ACTOR);
			Traffic.Tally tally = traffic.await(DRAIN);
			Report report = settle("RR", tally);
			report.print("replicas");
			report.assertExact(0);
		});
	}

	@Test
	@Order(2)
	void aKilledReplicasJobsAreFinishedByTheOthers() throws Exception {
		run("crash", "CRASH", 2, () -> {
			// Slow CI answers keep triggers in flight, so the kill cuts some off
			// mid-call.
			cluster.ci.latency(300);
			int lookupsBefore = cluster.ci.lookups();
			Traffic.Running traffic = send("CRASH", 2, N, Cluster.ACTOR);
			traffic.awaitAcknowledged(N / 3, DRAIN);
			Replica victim = cluster.replicas.get(1);
			Faults.await("the victim to hold leased jobs", Duration.ofSeconds(20),
					() -> cluster.leasedBy(victim.pid()) > 0, () -> "none leased by " + victim.pid());
			long pid = victim.pid();
			victim.kill();
			int leasedAtKill = cluster.leasedBy(pid);
			Instant killedAt = Instant.now();
			Faults.sleep(1000);
			victim.start();
			victim.awaitReady(START);
			Traffic.Tally tally = traffic.await(DRAIN);
			// The dead worker's leases expire; the others (or the restarted one) take the
			// jobs over.
			boolean released = Faults.within(DRAIN, () -> cluster.leasedBy(pid) == 0);
			long takenOverAfter = Duration.between(killedAt, Instant.now()).toMillis();
			Report report = settle("CRASH", tally);
			report.extra("leased_at_kill", leasedAtKill)
				.extra("taken_over_ms", takenOverAfter)
				.extra("ci_lookups", cluster.ci.lookups() - lookupsBefore)
				.extra("runs_between_repeats", cluster.ci.repeatDepths("CRASH"));
			report.print("crash");
			assertThat(leasedAtKill).as("jobs leased by the killed replica").isPositive();
			assertThat(released).as("the killed replica's leases were taken over").isTrue();
			// A retried trigger first looks for the run its cut-off attempt may have
			// started (by the decision
			// id in the run name); only when that look-up gets no answer does it dispatch
			// again. So repeats
			// are bounded by the calls in flight at the kill.
			report.assertExact(leasedAtKill);
		});
	}

	@Test
	@Order(3)
	void aDatabaseCutIsAnswered503AndNothingAcknowledgedIsLost() throws Exception {
		run("database-cut", "DBCUT", 3, () -> {
			cluster.ci.latency(50);
			List<Long> pids = cluster.replicas.stream().map(Replica::pid).toList();
			Traffic.Running traffic = send("DBCUT", 3, N, Cluster.ACTOR);
			traffic.awaitAcknowledged(N / 3, DRAIN);
			int acknowledgedBefore = traffic.tally.acknowledged.size();
			int unavailableBefore = traffic.tally.unavailable.get();
			cluster.proxy.cut();
			Faults.sleep(4000L * Math.min(Faults.SCALE, 3));
			int acknowledgedDuringCut = traffic.tally.acknowledged.size() - acknowledgedBefore;
			int unavailableDuringCut = traffic.tally.unavailable.get() - unavailableBefore;
			cluster.proxy.open();
			Traffic.Tally tally = traffic.await(DRAIN);
			Report report = settle("DBCUT", tally);
			report.extra("answered_503_during_cut", unavailableDuringCut)
				.extra("runs_between_repeats", cluster.ci.repeatDepths("DBCUT"))
				.extra("acknowledged_during_cut", acknowledgedDuringCut);
			report.print("database-cut");
			assertThat(unavailableDuringCut).as("webhooks answered 503 while the database was cut").isPositive();
			assertThat(cluster.replicas.stream().map(Replica::pid).toList()).as("no replica restarted").isEqualTo(pids);
			assertThat(cluster.replicas).allMatch(Replica::alive);
			// A trigger whose outcome could not be recorded is retried and normally finds
			// its run; a job whose
			// lease ran out during the cut may run twice. Either way: at most the calls
			// in flight at the cut.
			report.assertExact(Cluster.JOB_CONCURRENCY * cluster.replicas.size());
		});
	}

	@Test
	@Order(4)
	void aCiOutageOpensTheBreakerAndTheBacklogDrainsAfterwards() throws Exception {
		run("ci-outage", "CIOUT", 4, () -> {
			int outage = Math.min(Faults.SCALE, 3);
			cluster.ci.mode(FakeCi.Mode.UNAVAILABLE);
			Traffic.Running traffic = send("CIOUT", 4, N / 2, Cluster.ACTOR);
			Traffic.Tally tally = traffic.await(DRAIN);
			// Open circuits defer the target's jobs without spending attempts; the job
			// says so.
			Faults.await("a trigger deferred by an open circuit", Duration.ofSeconds(30),
					() -> cluster.jobs("PENDING").stream().anyMatch(FaultInjectionLaunchTests::deferredByBreaker),
					() -> "CI refused " + cluster.ci.refused() + " calls");
			Faults.sleep(3000L * outage);
			int refusedWhile503 = cluster.ci.refused();
			cluster.ci.mode(FakeCi.Mode.BLACK_HOLE);
			Faults.sleep(3000L * outage);
			int refused = cluster.ci.refused();
			Instant recovered = Instant.now();
			cluster.ci.mode(FakeCi.Mode.OK);
			Report report = settle("CIOUT", tally);
			report.extra("ci_503", refusedWhile503)
				.extra("ci_timeouts", refused - refusedWhile503)
				.extra("recovery_drain", Duration.between(recovered, Instant.now()).toMillis());
			report.print("ci-outage");
			assertThat(refused - refusedWhile503).as("trigger calls that timed out").isPositive();
			report.assertExact(0);
		});
	}

	@Test
	@Order(5)
	void aJiraOutageDeniesNothingAndCommentsArriveOnce() throws Exception {
		run("jira-outage", "JIRA", 5, () -> {
			int phase = 2500 * Math.min(Faults.SCALE, 3);
			FakeJira jira = cluster.jira;
			jira.identity(FakeJira.Mode.UNAVAILABLE);
			jira.comments(FakeJira.Mode.UNAVAILABLE);
			// Group-bound actors, one per transition, so every evaluation has to ask
			// Jira.
			Traffic.Running traffic = send("JIRA", 5, N / 2, null);
			Traffic.Tally tally = traffic.await(DRAIN);
			Faults.sleep(phase);
			jira.identity(FakeJira.Mode.RATE_LIMITED);
			Faults.sleep(phase);
			// Decisions now, while comments still fail: first 503, then 429 with
			// Retry-After.
			jira.identity(FakeJira.Mode.OK);
			Faults.await("comments to be refused", Duration.ofSeconds(30), () -> jira.faults("comment:UNAVAILABLE") > 0,
					() -> "");
			Faults.sleep(phase);
			jira.comments(FakeJira.Mode.RATE_LIMITED);
			Faults.await("comments to be rate limited", Duration.ofSeconds(30),
					() -> jira.faults("comment:RATE_LIMITED") > 0, () -> "");
			Faults.sleep(phase);
			jira.comments(FakeJira.Mode.SLOW_WRITES);
			Faults.await("comment answers to time out", Duration.ofSeconds(30),
					() -> jira.faults("comment:SLOW_WRITES") > 0, () -> "");
			Faults.sleep(phase);
			jira.comments(FakeJira.Mode.OK);
			Report report = settle("JIRA", tally);
			report.extra("identity_503", jira.faults("identity:UNAVAILABLE"))
				.extra("identity_429", jira.faults("identity:RATE_LIMITED"))
				.extra("comment_503", jira.faults("comment:UNAVAILABLE"))
				.extra("comment_429", jira.faults("comment:RATE_LIMITED"))
				.extra("comment_timeouts", jira.faults("comment:SLOW_WRITES"));
			report.print("jira-outage");
			assertThat(jira.faults("identity:UNAVAILABLE")).as("identity look-ups answered 503").isPositive();
			assertThat(jira.faults("identity:RATE_LIMITED")).as("identity look-ups answered 429").isPositive();
			assertThat(jira.faults("comment:UNAVAILABLE")).as("comments answered 503").isPositive();
			assertThat(jira.faults("comment:RATE_LIMITED")).as("comments answered 429").isPositive();
			assertThat(jira.faults("comment:SLOW_WRITES")).as("comments stored but answered too late").isPositive();
			report.assertExact(0);
		});
	}

	@Test
	@Order(6)
	void aGracefulShutdownAnswersWhatItAcceptedAndLeavesNothingLeased() throws Exception {
		run("graceful-shutdown", "TERM", 6, () -> {
			cluster.ci.latency(300);
			Traffic.Running traffic = send("TERM", 6, N, Cluster.ACTOR);
			traffic.awaitAcknowledged(N / 3, DRAIN);
			Replica victim = cluster.replicas.get(2);
			long pid = victim.pid();
			int leasedAtTerm = cluster.leasedBy(pid);
			int exit = victim.terminate(Duration.ofSeconds(60));
			int leasedAfterExit = cluster.leasedBy(pid);
			Traffic.Tally tally = traffic.await(DRAIN);
			Report report = settle("TERM", tally);
			report.extra("exit_code", exit)
				.extra("leased_at_sigterm", leasedAtTerm)
				.extra("leased_after_exit", leasedAfterExit)
				.extra("runs_between_repeats", cluster.ci.repeatDepths("TERM"));
			report.print("graceful-shutdown");
			assertThat(exit).as("exit code after SIGTERM (-1: did not stop within 60 s)").isNotEqualTo(-1);
			assertThat(leasedAfterExit).as("jobs still leased by the stopped replica").isZero();
			assertThat(tally.acceptedUnanswered.get()).as("requests stored but never answered").isZero();
			report.assertExact(Cluster.JOB_CONCURRENCY);
		});
	}

	// ---- scaffolding ----

	interface Body {

		void run() throws Exception;

	}

	private void run(String scenario, String project, int ordinal, Body body) throws Exception {
		try {
			body.run();
		}
		catch (Throwable ex) {
			System.out.println("scenario=" + scenario + " FAILED: " + ex.getMessage());
			System.out.println(cluster.logTails(60));
			throw ex;
		}
	}

	/**
	 * Sends {@code count} transitions of {@code project} (issue ids unique per scenario)
	 * to all replicas round-robin, 8 at a time; {@code actor} null means a group-bound
	 * actor per delivery.
	 */
	private static Traffic.Running send(String project, int scenario, int count, String actor) {
		Traffic traffic = new Traffic(cluster.ports(), Cluster.SECRET);
		return traffic.start(count, 8, (i) -> {
			String issueId = Integer.toString(scenario * 1_000_000 + i);
			String who = (actor != null) ? actor : "acc-grp-" + i;
			return new Traffic.Delivery(project.toLowerCase() + "-delivery-" + i,
					JiraPayloads.transition(issueId, issueId + "7", project, who, "In Progress", Cluster.TO_STATUS));
		}, DRAIN);
	}

	private static boolean deferredByBreaker(JsonNode job) {
		return "TRIGGER".equals(job.path("kind").asString()) && job.path("lastError").asString().contains("circuit");
	}

	/**
	 * Waits until the project's deliveries are decided, triggered and commented and the
	 * queue is idle.
	 */
	private static Report settle(String project, Traffic.Tally tally) {
		Report[] last = new Report[1];
		boolean drained = Faults.within(DRAIN, () -> {
			last[0] = Report.of(project, tally);
			return last[0].complete() && cluster.jobs("PENDING").isEmpty() && cluster.jobs("RUNNING").isEmpty();
		});
		Report report = Report.of(project, tally);
		report.drained = drained;
		report.drainMillis = Duration.between(tally.finishedAt, Instant.now()).toMillis();
		return report;
	}

	/** What one scenario ended with, and the checks every scenario shares. */
	static final class Report {

		Traffic.Tally tally;

		Set<String> decided;

		int decisionEvents;

		Map<String, Long> outcomes;

		Set<String> allowed;

		Set<String> allowedIssues;

		Set<String> triggered;

		int dispatches;

		Map<String, Integer> comments;

		long lost;

		long drainMillis;

		boolean drained;

		List<JsonNode> dead;

		private final Map<String, Object> extras = new LinkedHashMap<>();

		static Report of(String project, Traffic.Tally tally) {
			Report report = new Report();
			report.tally = tally;
			List<Cluster.DecisionRow> rows = cluster.decisions(project);
			report.decisionEvents = rows.size();
			report.decided = rows.stream().map(Cluster.DecisionRow::deliveryId).collect(Collectors.toSet());
			report.outcomes = rows.stream()
				.collect(Collectors.groupingBy(Cluster.DecisionRow::outcome, Collectors.counting()));
			report.allowed = rows.stream()
				.filter((row) -> "ALLOWED".equals(row.outcome()))
				.map(Cluster.DecisionRow::decisionId)
				.collect(Collectors.toSet());
			report.allowedIssues = rows.stream()
				.filter((row) -> "ALLOWED".equals(row.outcome()))
				.map(Cluster.DecisionRow::issueKey)
				.collect(Collectors.toSet());
			report.triggered = cluster.ci.decisionIds(project);
			report.dispatches = cluster.ci.dispatches(project);
			report.comments = cluster.jira.commentCounts(project);
			Set<String> undecided = new HashSet<>(tally.acknowledged);
			undecided.removeAll(report.decided);
			Set<String> untriggered = new HashSet<>(report.allowed);
			untriggered.removeAll(report.triggered);
			Set<String> uncommented = new HashSet<>(report.allowedIssues);
			uncommented.removeAll(report.comments.keySet());
			report.lost = undecided.size() + untriggered.size() + uncommented.size();
			return report;
		}

		boolean complete() {
			return this.lost == 0 && this.tally.acknowledged.size() == this.tally.sent.size();
		}

		int duplicates() {
			return this.dispatches - this.triggered.size();
		}

		Report extra(String name, Object value) {
			this.extras.put(name, value);
			return this;
		}

		void print(String scenario) throws Exception {
			this.dead = cluster.jobs("DEAD");
			String line = "scenario=" + scenario + " sent=" + this.tally.sent.size() + " acknowledged="
					+ this.tally.acknowledged.size() + " decided=" + this.decided.size() + " triggered="
					+ this.triggered.size() + " duplicates=" + duplicates() + " lost=" + this.lost + " drain="
					+ this.drainMillis
					+ this.extras.entrySet()
						.stream()
						.map((e) -> " " + e.getKey() + "=" + e.getValue())
						.collect(Collectors.joining())
					+ " outcomes=" + this.outcomes + " comments="
					+ this.comments.values().stream().mapToInt(Integer::intValue).sum() + " dead=" + this.dead.size()
					+ " http[" + this.tally.describe() + "]";
			System.out.println(line);
			Files.createDirectories(LOG_DIR);
			Files.writeString(LOG_DIR.resolve("summary.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}

		/**
		 * The guarantees; {@code allowedDuplicates} bounds repeated dispatches of one
		 * decision (at-least-once: a CI system whose runs cannot be looked up may see a
		 * call cut off mid-flight again).
		 */
		void assertExact(int allowedDuplicates) {
			assertThat(this.lost).as("lost: acknowledged but undecided, allowed but untriggered, or uncommented")
				.isZero();
			assertThat(this.drained).as("drained: decided, triggered, commented, queue idle").isTrue();
			assertThat(this.tally.unexpected).as("unexpected webhook answers").isEmpty();
			assertThat(this.tally.acknowledged).as("every delivery acknowledged in the end")
				.hasSize(this.tally.sent.size());
			assertThat(this.decided).as("decided deliveries are acknowledged ones").isSubsetOf(this.tally.acknowledged);
			assertThat(this.decisionEvents).as("one DECISION per delivery (exactly-once decisions)")
				.isEqualTo(this.decided.size());
			assertThat(this.outcomes.keySet()).as("outcomes (an outage must never deny)").containsOnly("ALLOWED");
			assertThat(this.triggered).as("every run carries an allowed decision id").isSubsetOf(this.allowed);
			assertThat(duplicates()).as("repeated dispatches").isLessThanOrEqualTo(allowedDuplicates);
			assertThat(this.comments.values()).as("comments per decision").allMatch((count) -> count == 1);
			assertThat(this.dead).as("dead jobs").isEmpty();
		}

	}

}
