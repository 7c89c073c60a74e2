package dev.tollgate.job;

import java.util.concurrent.locks.LockSupport;

import org.springframework.stereotype.Component;

/**
 * Wakes the local dispatcher when work was committed. Its own bean, so that enqueuing (which
 * handlers do) does not depend on the worker (which depends on the handlers).
 */
@Component
class JobSignal {

	private volatile Thread dispatcher;

	void register(Thread dispatcher) {
		this.dispatcher = dispatcher;
	}

	void wakeUp() {
		Thread thread = this.dispatcher;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

}
