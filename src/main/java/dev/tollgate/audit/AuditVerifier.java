package dev.tollgate.audit;

import java.time.Instant;
import java.time.OffsetDateTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recomputes the hash chain and reports the first link that does not hold; exposes and
 * periodically logs the chain's head so that an auditor can anchor it outside the
 * database.
 * <p>
 * Verification streams the chain (constant memory) from the latest retention checkpoint,
 * in one repeatable-read snapshot, so a concurrent seal or purge cannot make it report a
 * false break.
 */
@Service
public class AuditVerifier {

	private static final Logger log = LoggerFactory.getLogger(AuditVerifier.class);

	private final JdbcTemplate streaming;

	private final JdbcClient jdbc;

	private final TransactionTemplate snapshot;

	AuditVerifier(JdbcTemplate template, PlatformTransactionManager transactions, AuditProperties properties) {
		this.streaming = new JdbcTemplate(template.getDataSource());
		this.streaming.setFetchSize(properties.exportFetchSize());
		this.jdbc = JdbcClient.create(template);
		this.snapshot = new TransactionTemplate(transactions);
		this.snapshot.setReadOnly(true);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
	}

	/**
	 * The outcome of a verification.
	 *
	 * @param verified whether every sealed event from the checkpoint on matches its link
	 * @param checkedEvents links checked and found intact
	 * @param firstBrokenId the id of the first event whose link does not hold (changed,
	 * missing or out of place), or null
	 * @param headHash the hash of the chain's last link as stored (what an auditor
	 * compares with an anchored copy; a truncated tail shows only there), or null for an
	 * empty chain
	 */
	public record Result(boolean verified, long checkedEvents, Long firstBrokenId, String headHash) {
	}

	/**
	 * The chain's head: its last link, or the retention checkpoint when every link has
	 * been purged.
	 *
	 * @param position the link's position in the chain (1 is the first event ever sealed)
	 * @param eventId the sealed event's id
	 * @param hash the link's SHA-256, lowercase hex
	 * @param sealedAt when the link was sealed (or the purge time, for a checkpoint)
	 * @param unsealedEvents events committed but not sealed yet (normally sealed within a
	 * second)
	 */
	public record Head(long position, Long eventId, String hash, Instant sealedAt, long unsealedEvents) {
	}

	public Result verify() {
		return this.snapshot.execute((status) -> verifyInSnapshot());
	}

	private Result verifyInSnapshot() {
		Link start = this.jdbc.sql("""
				SELECT position, event_id, hash FROM tollgate.audit_checkpoint ORDER BY position DESC LIMIT 1
				""")
			.query((rs, n) -> new Link(rs.getLong(1), rs.getLong(2), rs.getString(3)))
			.optional()
			.orElse(new Link(0, 0, AuditChain.GENESIS));
		Walk walk = new Walk(start);
		this.streaming.query((con) -> {
			var statement = con.prepareStatement("SELECT s.position, s.event_id AS seal_event_id, s.prev_event_id, "
					+ "s.gap_from, s.prev_hash, s.hash AS seal_hash, s.encoding, " + AuditChain.SELECT_COLUMNS + """
							 FROM tollgate.audit_seal s LEFT JOIN tollgate.audit_event e ON e.id = s.event_id
							WHERE s.position > ? ORDER BY s.position
							""");
			statement.setLong(1, start.position());
			statement.setFetchSize(this.streaming.getFetchSize());
			return statement;
		}, (RowCallbackHandler) walk::accept);
		String headHash = this.jdbc.sql("SELECT hash FROM tollgate.audit_seal ORDER BY position DESC LIMIT 1")
			.query(String.class)
			.optional()
			.orElse((start.position() > 0) ? start.hash() : null);
		return new Result(walk.broken == null, walk.checked, walk.broken, headHash);
	}

	private record Link(long position, long eventId, String hash) {
	}

	/**
	 * Walks the links in position order; stops checking at the first that does not hold.
	 */
	private static final class Walk {

		private long expectedPosition;

		private long prevEventId;

		private String prevHash;

		long checked;

		Long broken;

		Walk(Link start) {
			this.expectedPosition = start.position() + 1;
			this.prevEventId = start.eventId();
			this.prevHash = start.hash();
		}

		void accept(java.sql.ResultSet rs) throws java.sql.SQLException {
			if (this.broken != null) {
				return;
			}
			long position = rs.getLong("position");
			long sealEventId = rs.getLong("seal_event_id");
			long sealPrevEventId = rs.getLong("prev_event_id");
			if (position != this.expectedPosition || sealPrevEventId != this.prevEventId) {
				// A link is missing (or links were renumbered): the event it sealed is
				// the one this link
				// names as its predecessor.
				this.broken = (sealPrevEventId > 0 && sealPrevEventId != this.prevEventId) ? sealPrevEventId
						: sealEventId;
				return;
			}
			AuditChain.Row row = AuditChain.read(rs);
			Long gapFrom = rs.getObject("gap_from", Long.class);
			String stored = rs.getString("seal_hash");
			if (row == null || rs.getInt("encoding") != AuditChain.ENCODING
					|| !this.prevHash.equals(rs.getString("prev_hash"))
					|| !stored.equals(AuditChain.hash(this.prevHash, this.prevEventId, gapFrom, row))) {
				this.broken = sealEventId;
				return;
			}
			this.checked++;
			this.expectedPosition++;
			this.prevEventId = sealEventId;
			this.prevHash = stored;
		}

	}

	public Head head() {
		return this.jdbc.sql("""
				WITH head AS (SELECT position, event_id, hash, sealed_at FROM tollgate.audit_seal
				              ORDER BY position DESC LIMIT 1),
				     cp AS (SELECT position, event_id, hash, purged_at, max_event_id FROM tollgate.audit_checkpoint
				            ORDER BY position DESC LIMIT 1)
				SELECT coalesce((SELECT position FROM head), (SELECT position FROM cp), 0) AS position,
				       coalesce((SELECT event_id FROM head), (SELECT event_id FROM cp)) AS event_id,
				       coalesce((SELECT hash FROM head), (SELECT hash FROM cp)) AS hash,
				       coalesce((SELECT sealed_at FROM head), (SELECT purged_at FROM cp)) AS sealed_at,
				       (SELECT count(*) FROM tollgate.audit_event e
				         WHERE e.id > greatest(coalesce((SELECT max(event_id) FROM tollgate.audit_seal), 0),
				                               coalesce((SELECT max_event_id FROM cp), 0))) AS unsealed
				""").query((rs, n) -> {
			OffsetDateTime sealedAt = rs.getObject("sealed_at", OffsetDateTime.class);
			return new Head(rs.getLong("position"), rs.getObject("event_id", Long.class), rs.getString("hash"),
					(sealedAt != null) ? sealedAt.toInstant() : null, rs.getLong("unsealed"));
		}).single();
	}

	/**
	 * So the head hash can be anchored from the logs (a log pipeline, a SIEM) without API
	 * access.
	 */
	@Scheduled(fixedDelayString = "${tollgate.audit.head-log-interval:10m}",
			initialDelayString = "${tollgate.audit.head-log-initial-delay:1m}")
	void logHead() {
		try {
			Head head = head();
			if (head.hash() != null) {
				log.info("Audit chain head: position={} eventId={} hash={} sealedAt={}", head.position(),
						head.eventId(), head.hash(), head.sealedAt());
			}
		}
		catch (DataAccessException ex) {
			log.debug("Audit chain head not logged: {}", ex.getMessage());
		}
	}

}
