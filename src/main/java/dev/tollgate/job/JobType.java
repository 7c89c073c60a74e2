package dev.tollgate.job;

import java.util.Objects;

/**
 * A kind of job and the type of its payload: what is enqueued under {@code kind} is that
 * payload as JSON, and what its {@link JobHandler} receives is that payload again, read
 * once by the worker. The stored row keeps the kind as a string, so the constant can move
 * or be renamed freely as long as {@code kind} stays the same; a changed kind would
 * strand the jobs already queued under the old one.
 *
 * @param kind the name stored with each job (and shown by the jobs API and the job
 * metrics)
 * @param payload the payload's class, a record in practice
 * @param <P> the payload type
 */
public record JobType<P>(String kind, Class<P> payload) {

	public JobType {
		Objects.requireNonNull(payload, "payload");
		if (kind == null || kind.isBlank()) {
			throw new IllegalArgumentException("A job type needs a kind");
		}
	}

	@Override
	public String toString() {
		return this.kind + "(" + this.payload.getSimpleName() + ")";
	}

}
