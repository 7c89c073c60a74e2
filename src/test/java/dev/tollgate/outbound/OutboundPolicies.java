package dev.tollgate.outbound;

import java.util.List;

/**
 * Policies for tests in other packages, which cannot reach the package-private
 * constructor.
 */
public final class OutboundPolicies {

	private OutboundPolicies() {
	}

	/** Allows http and loopback, as local WireMock stubs need. */
	public static OutboundPolicy forLocalStubs() {
		return of(true, true);
	}

	public static OutboundPolicy of(boolean allowHttp, boolean allowLoopback, String... allowedHosts) {
		return new OutboundPolicy(new OutboundProperties(allowHttp, allowLoopback, List.of(allowedHosts)));
	}

}
