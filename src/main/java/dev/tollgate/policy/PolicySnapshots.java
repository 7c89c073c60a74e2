package dev.tollgate.policy;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The current {@link PolicySnapshot}, immutable and shared. A change made on this replica
 * refreshes it after commit; changes made on other replicas are found by polling the
 * policy version every second, so every replica sees a change within 2 s.
 */
@Service
public class PolicySnapshots {

	private static final Logger log = LoggerFactory.getLogger(PolicySnapshots.class);

	private final PolicyTables tables;

	private final JdbcClient jdbc;

	private final TransactionTemplate readOnly;

	private volatile PolicySnapshot current;

	PolicySnapshots(PolicyTables tables, JdbcClient jdbc, PlatformTransactionManager transactions) {
		this.tables = tables;
		this.jdbc = jdbc;
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
		// One snapshot of the database for all the policy tables, and its own transaction
		// even
		// when called
		// from another transaction's after-commit callback.
		this.readOnly.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/** The snapshot to decide with; loads it on first use. */
	public PolicySnapshot current() {
		PolicySnapshot snapshot = this.current;
		if (snapshot == null) {
			snapshot = refresh();
		}
		return snapshot;
	}

	/**
	 * Reloads the whole policy in one read-only transaction, so the snapshot is
	 * consistent.
	 */
	public synchronized PolicySnapshot refresh() {
		PolicySnapshot snapshot = this.readOnly.execute((status) -> {
			long version = currentVersion();
			Set<String> roleNames = this.tables.roles()
				.stream()
				.map((r) -> r.value().name())
				.collect(Collectors.toSet());
			return new PolicySnapshot(version, roleNames, this.tables.bindings(),
					this.tables.targets()
						.stream()
						.map(PolicyTables.Stored::value)
						.collect(Collectors.toMap(Target::name, Function.identity())),
					this.tables.rules().stream().map(PolicyTables.Stored::value).toList(),
					this.tables.gates().stream().map(PolicyTables.Stored::value).toList());
		});
		this.current = snapshot;
		return snapshot;
	}

	@Scheduled(fixedDelayString = "${tollgate.policy.refresh-interval:1s}", initialDelayString = "1s")
	void pollForChanges() {
		try {
			PolicySnapshot snapshot = this.current;
			if (snapshot == null || snapshot.version() != currentVersion()) {
				PolicySnapshot fresh = refresh();
				log.info("Policy version {} loaded: {} rule(s), {} binding(s), {} target(s)", fresh.version(),
						fresh.rules().size(), fresh.bindings().size(), fresh.targets().size());
			}
		}
		catch (DataAccessException ex) {
			log.debug("Policy version not polled: {}", ex.getMessage());
		}
	}

	private long currentVersion() {
		return this.jdbc.sql("SELECT version FROM tollgate.policy_version WHERE id = 1").query(Long.class).single();
	}

}
