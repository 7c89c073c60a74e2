package dev.tollgate.webhook;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where a Jira delivery comes from, and whether that address may deliver at all
 * ({@code tollgate.webhook.allowed-cidrs}, {@code tollgate.webhook.trusted-proxies}).
 * <p>
 * {@code X-Forwarded-For} is written by whoever sends the request, so it is only believed
 * when the direct peer is a trusted proxy, and then only its right-most entry that is not
 * itself a trusted proxy: everything left of that was written by the client and can say
 * anything.
 */
@Component
class WebhookSources {

	static final String FORWARDED_FOR = "X-Forwarded-For";

	private final List<Cidr> allowed;

	private final List<Cidr> trustedProxies;

	@Autowired
	WebhookSources(WebhookProperties properties) {
		this(properties.allowedCidrs(), properties.trustedProxies());
	}

	WebhookSources(List<Cidr> allowed, List<Cidr> trustedProxies) {
		this.allowed = List.copyOf(allowed);
		this.trustedProxies = List.copyOf(trustedProxies);
	}

	/**
	 * The delivery's source address; {@code null} when a trusted proxy forwarded
	 * something that is not an IP address (the source is then unknown, and an allow-list
	 * refuses it).
	 */
	InetAddress source(HttpServletRequest request) {
		List<String> forwarded = new ArrayList<>();
		for (String header : Collections.list(request.getHeaders(FORWARDED_FOR))) {
			for (String entry : header.split(",")) {
				forwarded.add(entry.strip());
			}
		}
		return source(request.getRemoteAddr(), forwarded);
	}

	/**
	 * {@link #source(HttpServletRequest)} on its parts: the peer and the X-Forwarded-For
	 * entries in order.
	 */
	InetAddress source(String peerAddress, List<String> forwardedFor) {
		InetAddress peer = Cidr.literal(peerAddress);
		if (peer == null || !isTrustedProxy(peer)) {
			return peer;
		}
		InetAddress last = peer;
		for (int i = forwardedFor.size() - 1; i >= 0; i--) {
			InetAddress hop = Cidr.literal(withoutPort(forwardedFor.get(i)));
			if (hop == null) {
				return null;
			}
			if (!isTrustedProxy(hop)) {
				return hop;
			}
			last = hop;
		}
		// Every hop is a trusted proxy: the earliest one is as far back as we can see.
		return last;
	}

	/**
	 * Some proxies write the client's port too: {@code 192.0.2.7:5678} or
	 * {@code [2001:db8::7]:5678} (a bare IPv6 address has several colons and no brackets,
	 * and is left alone).
	 */
	static String withoutPort(String entry) {
		if (entry.startsWith("[")) {
			int end = entry.indexOf(']');
			return (end > 0) ? entry.substring(1, end) : entry;
		}
		int colon = entry.indexOf(':');
		return (colon > 0 && colon == entry.lastIndexOf(':')) ? entry.substring(0, colon) : entry;
	}

	/**
	 * Whether the allow-list admits the source (an empty allow-list admits every source).
	 */
	boolean allowed(InetAddress source) {
		if (this.allowed.isEmpty()) {
			return true;
		}
		return source != null && this.allowed.stream().anyMatch((cidr) -> cidr.contains(source));
	}

	private boolean isTrustedProxy(InetAddress address) {
		return this.trustedProxies.stream().anyMatch((cidr) -> cidr.contains(address));
	}

}
