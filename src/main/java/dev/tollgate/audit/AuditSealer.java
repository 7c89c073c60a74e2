package dev.tollgate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seals committed audit events into the hash chain, in id order, a few hundred
 * milliseconds after they commit. Runs on every replica, but a round only does work while
 * holding a transaction-level advisory lock ({@code pg_try_advisory_xact_lock}), so one
 * replica at a time moves the chain and {@link AuditLog#append} never waits for it.
 * <p>
 * Id order is not commit order: a transaction may take id 41, another 42 and commit
 * first. The sealer therefore only seals contiguous ids. At a missing id it waits: first
 * a grace period (an INSERT holds its id for microseconds before its transaction has an
 * xid), then until every transaction that was running after the grace period has ended,
 * as PostgreSQL's snapshot xmin tells (then the id was rolled back, or its row is visible
 * now), and at most {@code sealGapTimeout}. A gap it accepts is recorded in the chain
 * ({@code gap_from}). A row that commits after its gap was accepted (a transaction open
 * longer than the timeout) is not lost: the sealer looks in the recent accepted gaps and
 * seals such rows at the end of the chain, out of id order.
 */
@Component
public class AuditSealer {

	private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);

	/** How many recent accepted gaps are searched for rows that committed late. */
	private static final int LATE_GAPS = 100;

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final TransactionTemplate tx;

	private final AuditProperties properties;

	private final LongSupplier nanoTime;

	/** Whether the last scheduled round failed; only touched by the scheduler thread. */
	private boolean failing;

	/** The gap this replica is waiting on; only touched by the thread running a round. */
	private Gap pendingGap;

	@Autowired
	AuditSealer(JdbcTemplate template, PlatformTransactionManager transactions, AuditProperties properties) {
		this(template, transactions, properties, System::nanoTime);
	}

	AuditSealer(JdbcTemplate template, PlatformTransactionManager transactions, AuditProperties properties,
			LongSupplier nanoTime) {
		this.template = template;
		this.jdbc = JdbcClient.create(template);
		this.tx = new TransactionTemplate(transactions);
		this.tx.setTimeout(30);
		this.properties = properties;
		this.nanoTime = nanoTime;
	}

	private static final class Gap {

		final long firstMissingId;

		final long firstSeenNanos;

		/** pg_snapshot_xmax after the grace period; -1 until then. */
		long xmaxAfterGrace = -1;

		Gap(long firstMissingId, long firstSeenNanos) {
			this.firstMissingId = firstMissingId;
			this.firstSeenNanos = firstSeenNanos;
		}

	}

	/** The chain's tip as the sealer needs it. */
	record Tip(long position, long eventId, String hash, long frontier) {
	}

	private record Seal(long position, long eventId, long prevEventId, Long gapFrom, String prevHash, String hash) {
	}

	@Scheduled(fixedDelayString = "${tollgate.audit.seal-interval:250ms}",
			initialDelayString = "${tollgate.audit.seal-initial-delay:1s}")
	void scheduledSeal() {
		try {
			int sealed;
			int rounds = 0;
			do {
				sealed = sealOnce();
				rounds++;
			}
			while (sealed >= this.properties.sealBatchSize() && rounds < 100);
		}
		catch (DataAccessException | TransactionException ex) {
			// Once per outage at WARN, not four times a second.
			if (!this.failing) {
				log.warn("Audit sealing failed, retrying every round until the database answers: {}", ex.getMessage());
				this.failing = true;
			}
			else {
				log.debug("Audit sealing round failed: {}", ex.getMessage());
			}
			return;
		}
		if (this.failing) {
			log.info("Audit sealing resumed");
			this.failing = false;
		}
	}

	/**
	 * One round: seals what is ready, returns how many events were sealed (0 as well when
	 * another replica holds the lock).
	 */
	int sealOnce() {
		Integer sealed = this.tx.execute((status) -> {
			// JIT off for this transaction: the rounds are small and frequent; compiling
			// would cost more.
			Boolean locked = this.jdbc.sql("SELECT pg_try_advisory_xact_lock(?) FROM set_config('jit', 'off', true)")
				.param(AuditChain.LOCK_KEY)
				.query(Boolean.class)
				.single();
			if (!Boolean.TRUE.equals(locked)) {
				return 0;
			}
			// Before reading the events: a transaction that ended before this point is
			// visible below.
			long xmin = this.jdbc.sql("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
				.query(Long.class)
				.single();
			Tip tip = tip(this.jdbc);
			List<Seal> seals = new ArrayList<>();
			Tip next = sealInIdOrder(tip, xmin, seals);
			insert(seals);
			List<Seal> late = sealLate(next);
			insert(late);
			return seals.size() + late.size();
		});
		return (sealed != null) ? sealed : 0;
	}

	/**
	 * The chain's last link (or the purge checkpoint, or genesis) and the highest id
	 * sealed in id order.
	 */
	static Tip tip(JdbcClient jdbc) {
		return jdbc.sql("""
				WITH head AS (SELECT position, event_id, hash FROM tollgate.audit_seal ORDER BY position DESC LIMIT 1),
				     cp AS (SELECT position, event_id, hash, max_event_id FROM tollgate.audit_checkpoint
				            ORDER BY position DESC LIMIT 1)
				SELECT coalesce((SELECT position FROM head), (SELECT position FROM cp), 0) AS position,
				       coalesce((SELECT event_id FROM head), (SELECT event_id FROM cp), 0) AS event_id,
				       coalesce((SELECT hash FROM head), (SELECT hash FROM cp), :genesis) AS hash,
				       greatest(coalesce((SELECT max(event_id) FROM tollgate.audit_seal), 0),
				                coalesce((SELECT max_event_id FROM cp), 0)) AS frontier
				""")
			.param("genesis", AuditChain.GENESIS)
			.query((rs, n) -> new Tip(rs.getLong("position"), rs.getLong("event_id"), rs.getString("hash"),
					rs.getLong("frontier")))
			.single();
	}

	private Tip sealInIdOrder(Tip tip, long xmin, List<Seal> seals) {
		List<AuditChain.Row> rows = this.template.query(
				"SELECT " + AuditChain.SELECT_COLUMNS
						+ " FROM tollgate.audit_event e WHERE e.id > ? ORDER BY e.id LIMIT ?",
				(rs, n) -> AuditChain.read(rs), tip.frontier(), this.properties.sealBatchSize());
		long position = tip.position();
		long prevEventId = tip.eventId();
		String prevHash = tip.hash();
		long frontier = tip.frontier();
		for (AuditChain.Row row : rows) {
			Long gapFrom = null;
			if (row.id() != frontier + 1) {
				if (!gapAccepted(frontier + 1, xmin)) {
					break;
				}
				gapFrom = frontier + 1;
				log.info("Audit event ids {}..{} never committed (rolled back, or lost in a crash); "
						+ "recorded as a gap in the hash chain", gapFrom, row.id() - 1);
			}
			String hash = AuditChain.hash(prevHash, prevEventId, gapFrom, row);
			seals.add(new Seal(++position, row.id(), prevEventId, gapFrom, prevHash, hash));
			prevEventId = row.id();
			prevHash = hash;
			frontier = row.id();
			this.pendingGap = null;
		}
		return new Tip(position, prevEventId, prevHash, frontier);
	}

	private boolean gapAccepted(long missingId, long xmin) {
		long now = this.nanoTime.getAsLong();
		Gap gap = this.pendingGap;
		if (gap == null || gap.firstMissingId != missingId) {
			this.pendingGap = new Gap(missingId, now);
			return false;
		}
		long waited = now - gap.firstSeenNanos;
		if (waited >= this.properties.sealGapTimeout().toNanos()) {
			return true;
		}
		if (waited < this.properties.sealGapGrace().toNanos()) {
			return false;
		}
		if (gap.xmaxAfterGrace < 0) {
			// Whoever holds the missing id has an xid by now, and it is below this xmax.
			gap.xmaxAfterGrace = this.jdbc.sql("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
				.query(Long.class)
				.single();
			return false;
		}
		return xmin >= gap.xmaxAfterGrace;
	}

	/**
	 * Rows that committed inside a gap the chain had already accepted: sealed now, at the
	 * end.
	 */
	private List<Seal> sealLate(Tip tip) {
		// Driven by the few recent gaps (a partial index); LATERAL makes each an id range
		// probed on the
		// primary key, whatever the planner's statistics say.
		List<AuditChain.Row> rows = this.template.query("SELECT " + AuditChain.SELECT_COLUMNS.replace("e.", "x.") + """
				 FROM (SELECT gap_from, event_id FROM tollgate.audit_seal WHERE gap_from IS NOT NULL
				       ORDER BY position DESC LIMIT ?) g
				 CROSS JOIN LATERAL (SELECT e.* FROM tollgate.audit_event e
				                      WHERE e.id >= g.gap_from AND e.id < g.event_id
				                        AND NOT EXISTS (SELECT 1 FROM tollgate.audit_seal s WHERE s.event_id = e.id)) x
				ORDER BY x.id
				""", (rs, n) -> AuditChain.read(rs), LATE_GAPS);
		List<Seal> seals = new ArrayList<>();
		long position = tip.position();
		long prevEventId = tip.eventId();
		String prevHash = tip.hash();
		for (AuditChain.Row row : rows) {
			log.warn("Audit event {} committed after its id had been given up as rolled back; "
					+ "sealed at the end of the chain, out of id order", row.id());
			String hash = AuditChain.hash(prevHash, prevEventId, null, row);
			seals.add(new Seal(++position, row.id(), prevEventId, null, prevHash, hash));
			prevEventId = row.id();
			prevHash = hash;
		}
		return seals;
	}

	private void insert(List<Seal> seals) {
		if (seals.isEmpty()) {
			return;
		}
		this.template.batchUpdate("""
				INSERT INTO tollgate.audit_seal (position, event_id, prev_event_id, gap_from, prev_hash, hash, encoding)
				VALUES (?, ?, ?, ?, ?, ?, ?)
				""", seals, 500, (ps, seal) -> {
			ps.setLong(1, seal.position());
			ps.setLong(2, seal.eventId());
			ps.setLong(3, seal.prevEventId());
			ps.setObject(4, seal.gapFrom(), java.sql.Types.BIGINT);
			ps.setString(5, seal.prevHash());
			ps.setString(6, seal.hash());
			ps.setInt(7, AuditChain.ENCODING);
		});
	}

}
