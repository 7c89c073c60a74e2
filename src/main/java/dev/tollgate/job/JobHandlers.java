package dev.tollgate.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Every {@link JobHandler} of this replica by the kind it runs. Two handlers of one kind
 * are a wiring mistake that would otherwise pick one of them silently, so they fail the
 * start.
 */
@Component
class JobHandlers {

	private final Map<String, JobHandler<?>> byKind;

	private final JsonMapper json;

	JobHandlers(List<JobHandler<?>> handlers, JsonMapper json) {
		this.json = json;
		Map<String, JobHandler<?>> byKind = new LinkedHashMap<>();
		for (JobHandler<?> handler : handlers) {
			JobHandler<?> other = byKind.putIfAbsent(handler.type().kind(), handler);
			if (other != null) {
				throw new IllegalStateException("Two handlers for job kind '" + handler.type().kind() + "': "
						+ other.getClass().getName() + " and " + handler.getClass().getName());
			}
		}
		this.byKind = Map.copyOf(byKind);
	}

	/** The kinds this replica runs. */
	Set<String> kinds() {
		return this.byKind.keySet();
	}

	boolean handles(String kind) {
		return this.byKind.containsKey(kind);
	}

	/**
	 * The handler of a claimed job, with its payload read.
	 * @throws tools.jackson.core.JacksonException when the payload does not read as the
	 * type's payload
	 */
	Bound<?> bind(Job job) {
		JobHandler<?> handler = this.byKind.get(job.kind());
		if (handler == null) {
			throw new IllegalStateException("No handler for job kind '" + job.kind() + "' in this replica");
		}
		return bind(handler, job);
	}

	private <P> Bound<P> bind(JobHandler<P> handler, Job job) {
		return new Bound<>(handler, job, this.json.readValue(job.payload(), handler.type().payload()));
	}

	/**
	 * A claimed job with its handler and its payload, read once for both of the handler's
	 * calls.
	 */
	record Bound<P>(JobHandler<P> handler, Job job, P payload) {

		JobOutcome handle() throws Exception {
			return this.handler.handle(this.job, this.payload);
		}

		void buried(String reason) {
			this.handler.buried(this.job, this.payload, reason);
		}

	}

}
