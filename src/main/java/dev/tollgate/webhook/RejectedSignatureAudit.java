package dev.tollgate.webhook;

import java.time.Clock;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Audits rejected signatures, at most N a minute per replica: anyone can send
 * unauthenticated requests, and they must not be able to fill the database. What is over
 * the cap is still counted in metrics and summarised in the log once per minute.
 */
@Component
class RejectedSignatureAudit {

	private static final Logger log = LoggerFactory.getLogger(RejectedSignatureAudit.class);

	private final AuditLog audit;

	private final int perMinute;

	private final Clock clock;

	private long windowMinute = -1;

	private int inWindow;

	private int dropped;

	@org.springframework.beans.factory.annotation.Autowired
	RejectedSignatureAudit(AuditLog audit, WebhookProperties properties) {
		this(audit, properties.rejectedAuditPerMinute(), Clock.systemUTC());
	}

	RejectedSignatureAudit(AuditLog audit, int perMinute, Clock clock) {
		this.audit = audit;
		this.perMinute = perMinute;
		this.clock = clock;
	}

	/**
	 * @param problem what was wrong with the signature, the same sentence the sender was
	 * answered with
	 */
	void rejected(String source, String deliveryId, String remoteAddress, String problem) {
		if (!admit()) {
			return;
		}
		try {
			this.audit.append(
					AuditEvent.of(AuditEventType.WEBHOOK_REJECTED, "A " + source + " delivery was rejected. " + problem)
						.outcome("REJECTED")
						.deliveryId(deliveryId)
						.details(Map.of("source", source, "remoteAddress", String.valueOf(remoteAddress)))
						.build());
		}
		catch (DataAccessException ex) {
			log.warn("Rejected {} delivery not audited (database unavailable)", source);
		}
	}

	private synchronized boolean admit() {
		long minute = this.clock.millis() / 60_000;
		if (minute != this.windowMinute) {
			if (this.dropped > 0) {
				log.warn("{} more rejected webhook signatures in the last minute were not audited (cap {} a minute)",
						this.dropped, this.perMinute);
			}
			this.windowMinute = minute;
			this.inWindow = 0;
			this.dropped = 0;
		}
		if (this.inWindow >= this.perMinute) {
			this.dropped++;
			return false;
		}
		this.inWindow++;
		return true;
	}

}
