package dev.tollgate.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What follows every write to the policy, in the writer's transaction: the
 * {@code POLICY_CHANGED} audit event with who did it and the before and after, and the
 * policy version bumped so that every replica reloads; this replica reloads its snapshot
 * once the transaction commits. Apart from {@link PolicyStore} so that each change there
 * says only what it writes.
 */
final class PolicyChangeLog {

	private final JdbcClient jdbc;

	private final AuditLog audit;

	private final PolicySnapshots snapshots;

	PolicyChangeLog(JdbcClient jdbc, AuditLog audit, PolicySnapshots snapshots) {
		this.jdbc = jdbc;
		this.audit = audit;
		this.snapshots = snapshots;
	}

	void changed(String changedBy, String resource, String name, PolicyChange.Action action, Object before,
			Object after) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("changedBy", changedBy);
		details.put("resource", resource);
		details.put("name", name);
		details.put("action", action.name());
		details.put("before", before);
		details.put("after", after);
		this.audit.append(
				AuditEvent
					.of(AuditEventType.POLICY_CHANGED,
							"Token '" + changedBy + "' " + action.name().toLowerCase(Locale.ROOT) + "d " + resource
									+ " '" + name + "'.")
					.outcome(action.name())
					.details(details)
					.build());
		this.jdbc.sql("UPDATE tollgate.policy_version SET version = version + 1 WHERE id = 1").update();
		refreshAfterCommit();
	}

	/**
	 * One snapshot reload per transaction, however many objects a policy document
	 * changed.
	 */
	private void refreshAfterCommit() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.hasResource(this)) {
			return;
		}
		TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				PolicyChangeLog.this.snapshots.refresh();
			}

			@Override
			public void afterCompletion(int status) {
				TransactionSynchronizationManager.unbindResourceIfPossible(PolicyChangeLog.this);
			}
		});
	}

}
