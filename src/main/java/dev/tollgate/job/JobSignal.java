package dev.tollgate.job;

import java.util.concurrent.locks.LockSupport;

import org.springframework.stereotype.Component;

/**
 * The local worker as enqueuing sees it: wakes its dispatcher when work was committed,
 * and lets a batch of new jobs be handed to it directly. Its own bean, so that enqueuing
 * (which handlers do) does not depend on the worker (which depends on the handlers).
 */
@Component
class JobSignal {

	private volatile Thread dispatcher;

	private volatile JobWorker worker;

	void register(Thread dispatcher, JobWorker worker) {
		this.dispatcher = dispatcher;
		this.worker = worker;
	}

	void wakeUp() {
		Thread thread = this.dispatcher;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	/**
	 * An ordered job was enqueued as pending: a finishing job may have to wake the
	 * dispatcher for it.
	 */
	void heldBack() {
		JobWorker current = this.worker;
		if (current != null) {
			current.heldBack();
		}
	}

	/**
	 * The running local worker, or {@code null} (jobs disabled in this replica, or not
	 * started yet).
	 */
	JobWorker worker() {
		return this.worker;
	}

}
