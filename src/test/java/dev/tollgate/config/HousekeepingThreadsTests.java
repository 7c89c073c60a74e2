package dev.tollgate.config;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.TaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @Scheduled} housekeeping shares one scheduler; a long task (an hourly purge
 * after a busy hour) must not hold up the others, above all the policy refresh every
 * second.
 */
class HousekeepingThreadsTests extends IntegrationTest {

	@Autowired
	private TaskScheduler scheduler;

	@Test
	void aLongHousekeepingTaskDoesNotHoldUpTheOthers() throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.scheduler.schedule(() -> {
			running.countDown();
			awaitQuietly(release);
		}, Instant.now());
		try {
			assertThat(running.await(10, TimeUnit.SECONDS)).as("the long task started").isTrue();
			CountDownLatch ran = new CountDownLatch(1);
			this.scheduler.schedule(ran::countDown, Instant.now());
			assertThat(ran.await(10, TimeUnit.SECONDS)).as("a task due while the long one runs").isTrue();
		}
		finally {
			release.countDown();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
