package dev.tollgate.admin;

import java.util.List;

/**
 * Every admin collection answers this envelope, as {@code GET /audit} does:
 * {@code {"items": [...], "nextCursor": ...}}. {@code nextCursor} is {@code null} when
 * {@code items} is complete, so a client written for paging works on every collection.
 */
record Listing<T>(List<T> items, String nextCursor) {

	static <T> Listing<T> of(List<T> items) {
		return new Listing<>(items, null);
	}

}
