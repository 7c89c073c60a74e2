package dev.tollgate.gate;

import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The reviews, newest first, for the admin API and the console. */
@Service
public class GateReviewQuery {

	private final GateReviews reviews;

	GateReviewQuery(GateReviews reviews) {
		this.reviews = reviews;
	}

	/**
	 * @param status {@code null} for every status
	 */
	@Transactional(readOnly = true)
	public List<GateReview> list(GateReview.Status status, int limit) {
		return this.reviews.list(status, limit);
	}

}
