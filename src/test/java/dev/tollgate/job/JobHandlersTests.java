package dev.tollgate.job;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The registry of handlers by kind: one handler per kind, and the payload read as its
 * type.
 */
class JobHandlersTests {

	record Ping(String text) {
	}

	record Pong(int count) {
	}

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void twoHandlersForOneKindFailTheStart() {
		JobHandler<Ping> first = handler(new JobType<>("PING", Ping.class));
		JobHandler<Pong> second = handler(new JobType<>("PING", Pong.class));

		assertThatIllegalStateException().isThrownBy(() -> new JobHandlers(List.of(first, second), json))
			.withMessageContaining("Two handlers for job kind 'PING'");
	}

	@Test
	void aClaimedJobIsBoundToItsHandlerWithItsPayloadRead() throws Exception {
		JobHandler<Ping> ping = handler(new JobType<>("PING", Ping.class));
		JobHandler<Pong> pong = handler(new JobType<>("PONG", Pong.class));
		JobHandlers handlers = new JobHandlers(List.of(ping, pong), json);

		assertThat(handlers.kinds()).containsExactlyInAnyOrder("PING", "PONG");
		JobHandlers.Bound<?> bound = handlers.bind(job("PONG", "{\"count\":3}"));
		assertThat(bound.handler()).isSameAs(pong);
		assertThat(bound.payload()).isEqualTo(new Pong(3));
		assertThat(bound.handle()).isInstanceOf(JobOutcome.Done.class);
	}

	@Test
	void aJobOfAKindWithoutHandlerIsNotBound() {
		JobHandlers handlers = new JobHandlers(List.of(handler(new JobType<>("PING", Ping.class))), json);

		assertThat(handlers.handles("PONG")).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> handlers.bind(job("PONG", "{}")))
			.withMessageContaining("PONG");
	}

	private static Job job(String kind, String payload) {
		return new Job(1, kind, kind + ":1", payload, 1, Instant.now(), false);
	}

	private static <P> JobHandler<P> handler(JobType<P> type) {
		return new JobHandler<>() {
			@Override
			public JobType<P> type() {
				return type;
			}

			@Override
			public JobOutcome handle(Job job, P payload) {
				return JobOutcome.done();
			}
		};
	}

}
