package dev.tollgate.webhook;

import java.util.concurrent.CompletableFuture;

/**
 * One delivery waiting for its group commit, and the answer its request waits for.
 *
 * @param bodySha256 the hash of the raw signed body, or {@code null}
 */
record PendingDelivery(String source, String deliveryId, int retryCount, JiraPayloadParser.Parsed parsed,
		String bodySha256, CompletableFuture<WebhookIngest.Result> result) {

	/**
	 * Which request a stored row belongs to. The delivery id alone is not enough: a
	 * sender that reuses one id for two different changes in one batch must not get the
	 * other's answer.
	 */
	static String key(String source, String deliveryId, String issueId, String eventKey) {
		return source + '\n' + deliveryId + '\n' + issueId + '\n' + eventKey;
	}

	String key() {
		return key(this.source, this.deliveryId, this.parsed.issueId(), this.parsed.eventKey());
	}

	/**
	 * The writer this delivery goes to: one issue's deliveries always to the same one, so
	 * they are stored (and their evaluations ordered) in arrival order.
	 */
	int writer(int writers) {
		String issueId = this.parsed.issueId();
		String routing = (issueId != null) ? issueId : this.deliveryId;
		return Math.floorMod(routing.hashCode(), writers);
	}

}
