package dev.tollgate.audit;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention, the one explicit exception to append-only ({@code tollgate.audit.retention};
 * default keep forever). Deletes the oldest sealed events, a prefix of the chain, through
 * the database function {@code tollgate.audit_purge}: it records a checkpoint (the last
 * purged link's position, event id and hash) and only then deletes, so verification
 * continues from the checkpoint. Each batch appends an {@code AUDIT_PURGED} event in the
 * same transaction. Unsealed events are never purged; nor is anything after the first
 * event that is still within the retention period.
 */
@Component
public class AuditRetention {

	private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final TransactionTemplate tx;

	private final AuditProperties properties;

	AuditRetention(JdbcClient jdbc, AuditLog audit, PlatformTransactionManager transactions,
			AuditProperties properties) {
		this.jdbc = jdbc;
		this.audit = audit;
		this.tx = new TransactionTemplate(transactions);
		this.tx.setTimeout(300);
		this.properties = properties;
	}

	/**
	 * One purge batch.
	 *
	 * @param checkpointPosition the last purged link's position
	 * @param checkpointEventId the event it sealed
	 * @param checkpointHash its hash, from which verification continues
	 * @param purgedEvents events deleted
	 * @param auditEventId the {@code AUDIT_PURGED} event that records the batch
	 */
	public record Purge(long checkpointPosition, long checkpointEventId, String checkpointHash, long purgedEvents,
			long auditEventId) {
	}

	/**
	 * Says at start-up when the database will refuse what retention asks for: the floor
	 * it enforces is written by the migration (V16), so a migration run without
	 * {@code tollgate.audit.retention}, or with a longer one, quietly stops purges.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void checkFloor() {
		try {
			floorMismatch().ifPresent(log::error);
		}
		catch (DataAccessException ex) {
			log.debug("Audit retention floor not checked: {}", ex.getMessage());
		}
	}

	Optional<String> floorMismatch() {
		Duration retention = this.properties.retention();
		if (retention == null) {
			return Optional.empty();
		}
		Double seconds = this.jdbc.sql("SELECT EXTRACT(EPOCH FROM min_age) FROM tollgate.audit_purge_floor")
			.query(Double.class)
			.optional()
			.orElse(null);
		String fix = " Run the migration (the Helm migration Job, or a start with the schema owner's credentials) with"
				+ " TOLLGATE_AUDIT_RETENTION=" + retention + ".";
		if (seconds == null) {
			return Optional.of("tollgate.audit.retention is " + retention + ", but the schema was migrated without it:"
					+ " the database refuses every audit purge." + fix);
		}
		Duration floor = Duration.ofMillis(Math.round(seconds * 1000));
		if (floor.compareTo(retention) > 0) {
			return Optional.of("tollgate.audit.retention is " + retention + ", but the schema was migrated with "
					+ floor + ": the database purges nothing younger than that." + fix);
		}
		return Optional.empty();
	}

	@Scheduled(fixedDelayString = "${tollgate.audit.retention-interval:1h}",
			initialDelayString = "${tollgate.audit.retention-initial-delay:5m}")
	void scheduledPurge() {
		if (this.properties.retention() == null) {
			return;
		}
		try {
			// The database's clock, which audit_purge() checks the cutoff against (V16):
			// a host clock a
			// few milliseconds ahead would otherwise have every purge refused.
			Instant now = this.jdbc.sql("SELECT clock_timestamp()").query(OffsetDateTime.class).single().toInstant();
			List<Purge> purges = purgeBefore(now.minus(this.properties.retention()));
			long purged = purges.stream().mapToLong(Purge::purgedEvents).sum();
			if (purged > 0) {
				Purge last = purges.get(purges.size() - 1);
				log.info("Audit retention purged {} events older than {}; chain checkpoint position={} hash={}", purged,
						this.properties.retention(), last.checkpointPosition(), last.checkpointHash());
			}
		}
		catch (DataAccessException | TransactionException ex) {
			log.warn("Audit retention purge failed, will retry: {}", ex.getMessage());
		}
	}

	/**
	 * Purges, batch by batch, every sealed event before the first one that occurred at or
	 * after {@code cutoff}.
	 */
	public List<Purge> purgeBefore(Instant cutoff) {
		List<Purge> purges = new java.util.ArrayList<>();
		while (true) {
			Purge purge = this.tx.execute((status) -> {
				lock();
				Long through = prefixEnd(cutoff);
				return (through != null) ? purge(through, cutoff) : null;
			});
			if (purge == null) {
				return purges;
			}
			purges.add(purge);
			if (purge.purgedEvents() < this.properties.retentionBatchSize()) {
				return purges;
			}
		}
	}

	/**
	 * Purges the chain through {@code position}, for tests; the database still refuses it
	 * unless every event there is older than {@code cutoff} and the cutoff is as old as
	 * the retention floor.
	 */
	Purge purgeThrough(long position, Instant cutoff) {
		return this.tx.execute((status) -> {
			lock();
			return purge(position, cutoff);
		});
	}

	private void lock() {
		// The chain's lock: the sealer's round finishes first, and no seal starts until
		// we commit.
		this.jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(AuditChain.LOCK_KEY).query((rs, n) -> 1).single();
	}

	/**
	 * The last position of the next batch that lies entirely before the cutoff, or null.
	 */
	private Long prefixEnd(Instant cutoff) {
		List<Object[]> links = this.jdbc.sql("""
				SELECT s.position, e.occurred_at
				  FROM tollgate.audit_seal s LEFT JOIN tollgate.audit_event e ON e.id = s.event_id
				 WHERE s.position > coalesce((SELECT max(position) FROM tollgate.audit_checkpoint), 0)
				 ORDER BY s.position LIMIT :batch
				""")
			.param("batch", this.properties.retentionBatchSize())
			.query((rs, n) -> new Object[] { rs.getLong(1), rs.getTimestamp(2) })
			.list();
		Long through = null;
		for (Object[] link : links) {
			Timestamp occurredAt = (Timestamp) link[1];
			if (occurredAt == null || !occurredAt.toInstant().isBefore(cutoff)) {
				break;
			}
			through = (Long) link[0];
		}
		return through;
	}

	private Purge purge(long through, Instant cutoff) {
		Purge purge = this.jdbc.sql("SELECT * FROM tollgate.audit_purge(:through, CAST(:cutoff AS timestamptz))")
			.param("through", through)
			.param("cutoff", (cutoff != null) ? cutoff.atOffset(ZoneOffset.UTC) : null)
			.query((rs, n) -> new Purge(rs.getLong("checkpoint_position"), rs.getLong("checkpoint_event_id"),
					rs.getString("checkpoint_hash"), rs.getLong("purged_events"), 0))
			.single();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("checkpointPosition", purge.checkpointPosition());
		details.put("checkpointEventId", purge.checkpointEventId());
		details.put("checkpointHash", purge.checkpointHash());
		details.put("purgedEvents", purge.purgedEvents());
		details.put("cutoff", (cutoff != null) ? cutoff.toString() : null);
		details.put("retention", (this.properties.retention() != null) ? this.properties.retention().toString() : null);
		String reason = "Retention purged " + purge.purgedEvents() + " audit events up to event "
				+ purge.checkpointEventId() + ((cutoff != null) ? " (older than " + cutoff + ")" : "")
				+ "; the hash chain continues from checkpoint " + purge.checkpointHash() + ".";
		long eventId = this.audit
			.append(AuditEvent.of(AuditEventType.AUDIT_PURGED, reason).outcome("PURGED").details(details).build());
		return new Purge(purge.checkpointPosition(), purge.checkpointEventId(), purge.checkpointHash(),
				purge.purgedEvents(), eventId);
	}

}
