package dev.tollgate.gate;

import dev.tollgate.job.JobType;

/**
 * Look at a review again: when it is asked, when an approval it waits for closes, and
 * when its wait runs out. Each occasion has its own job, so none is lost to another.
 */
record GateReviewJob(long reviewId) {

	static final JobType<GateReviewJob> JOB = new JobType<>("GATE_REVIEW", GateReviewJob.class);

	static String dedupKey(long reviewId, String occasion) {
		return "gate-review:" + reviewId + ":" + occasion;
	}

}
