package dev.tollgate.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Queue gauges per job kind, refreshed from the database (so every replica reports the
 * whole queue, not only its own share), and the purge of old succeeded jobs.
 */
@Component
class JobMonitor {

	private static final Logger log = LoggerFactory.getLogger(JobMonitor.class);

	private final JobRepository jobs;

	private final JobProperties properties;

	private final Map<String, JobRepository.KindStats> stats = new ConcurrentHashMap<>();

	JobMonitor(JobRepository jobs, JobProperties properties, JobHandlers handlers, MeterRegistry registry) {
		this.jobs = jobs;
		this.properties = properties;
		for (String kind : handlers.kinds()) {
			this.stats.put(kind, new JobRepository.KindStats(kind, 0, 0, 0));
			Gauge.builder("tollgate.jobs.pending", this.stats, (s) -> s.get(kind).pending())
				.description("Jobs waiting or running")
				.tag("kind", kind)
				.register(registry);
			Gauge.builder("tollgate.jobs.oldest.pending.age", this.stats, (s) -> s.get(kind).oldestAgeSeconds())
				.description("Age of the oldest unfinished job")
				.baseUnit("seconds")
				.tag("kind", kind)
				.register(registry);
			Gauge.builder("tollgate.jobs.dead", this.stats, (s) -> s.get(kind).dead())
				.description("Jobs that ran out of attempts or failed permanently")
				.tag("kind", kind)
				.register(registry);
		}
	}

	@Scheduled(fixedDelayString = "${tollgate.jobs.metrics-interval:5s}", initialDelayString = "1s")
	void refresh() {
		try {
			Map<String, JobRepository.KindStats> fresh = new java.util.HashMap<>();
			this.jobs.stats().forEach((s) -> fresh.put(s.kind(), s));
			this.stats.replaceAll((kind, old) -> fresh.getOrDefault(kind, new JobRepository.KindStats(kind, 0, 0, 0)));
		}
		catch (DataAccessException ex) {
			log.debug("Job gauges not refreshed: {}", ex.getMessage());
		}
	}

	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
	void purgeSucceeded() {
		try {
			int purged = this.jobs.purgeSucceeded(this.properties.retention());
			if (purged > 0) {
				log.info("Purged {} succeeded jobs older than {}", purged, this.properties.retention());
			}
		}
		catch (DataAccessException ex) {
			log.debug("Job purge skipped: {}", ex.getMessage());
		}
	}

}
