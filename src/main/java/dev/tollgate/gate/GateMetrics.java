package dev.tollgate.gate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.tollgate.policy.Target;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code tollgate_gate_reviews_total{provider,outcome}} (outcome {@code APPROVED},
 * {@code REJECTED}, {@code REFUSED}) and {@code tollgate_gate_reviews_waiting{provider}},
 * the latter counted in the database every few seconds, so every replica reports the
 * same.
 */
@Component
class GateMetrics {

	private static final Logger log = LoggerFactory.getLogger(GateMetrics.class);

	private static final List<Target.Kind> PROVIDERS = List.of(Target.Kind.GITHUB_ACTIONS, Target.Kind.GITLAB,
			Target.Kind.JENKINS);

	private final MeterRegistry registry;

	private final GateReviews reviews;

	private final Map<String, AtomicLong> waiting = new ConcurrentHashMap<>();

	GateMetrics(MeterRegistry registry, GateReviews reviews) {
		this.registry = registry;
		this.reviews = reviews;
		for (Target.Kind provider : PROVIDERS) {
			AtomicLong value = new AtomicLong();
			this.waiting.put(provider.name(), value);
			Gauge.builder("tollgate.gate.reviews.waiting", value, AtomicLong::get)
				.description("Deployments waiting at a gate")
				.tag("provider", provider.name())
				.register(registry);
		}
	}

	void counted(String provider, String outcome) {
		Counter.builder("tollgate.gate.reviews")
			.description("Gate reviews decided, by answer")
			.tag("provider", provider)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

	@Scheduled(fixedDelay = 5_000, initialDelay = 1_000)
	void refresh() {
		try {
			Map<String, Long> counts = this.reviews.waitingByProvider();
			this.waiting.forEach((provider, value) -> value.set(counts.getOrDefault(provider, 0L)));
		}
		catch (DataAccessException ex) {
			log.debug("Waiting gate reviews not counted: {}", ex.getMessage());
		}
	}

}
