package dev.tollgate.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.apache.hc.core5.net.InetAddressUtils;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a
 * bare address is a network of one. Configuration binds text to it through {@link #of},
 * so a mistake stops the application at start-up instead of silently letting everything
 * through.
 */
final class Cidr {

	// Dotted quad, each part 0-255 (httpcore's own check refuses 0.0.0.0, which /0
	// needs).
	private static final Pattern IPV4 = Pattern
		.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

	private final byte[] network;

	private final int prefixLength;

	private final String text;

	private Cidr(byte[] network, int prefixLength, String text) {
		this.network = network;
		this.prefixLength = prefixLength;
		this.text = text;
	}

	/**
	 * Parses {@code address/prefix} or a bare address. IPv4-mapped IPv6 networks
	 * ({@code ::ffff:10.0.0.0/104}) are the IPv4 networks they stand for.
	 * @throws IllegalArgumentException with a message naming the value and what is wrong
	 */
	public static Cidr of(String value) {
		String text = (value != null) ? value.strip() : "";
		int slash = text.indexOf('/');
		String addressPart = (slash < 0) ? text : text.substring(0, slash);
		InetAddress address = literal(addressPart);
		if (address == null) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR: '" + addressPart
					+ "' is not an IPv4 or IPv6 address (host names are not allowed)");
		}
		int bits = address.getAddress().length * 8;
		// Java reads ::ffff:a.b.c.d as IPv4, so the prefix drops the 96 bits of the
		// mapping.
		int offset = (address instanceof Inet4Address && addressPart.indexOf(':') >= 0) ? 96 : 0;
		int prefix = bits + offset;
		if (slash >= 0) {
			String prefixPart = text.substring(slash + 1);
			if (!prefixPart.matches("\\d{1,3}")) {
				throw new IllegalArgumentException("'" + text + "' is not a CIDR: the prefix length must be a number");
			}
			prefix = Integer.parseInt(prefixPart);
		}
		if (prefix < offset || prefix > bits + offset) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR: the prefix length must be between "
					+ offset + " and " + (bits + offset));
		}
		return new Cidr(address.getAddress(), prefix - offset, text);
	}

	/**
	 * The address an IP literal stands for; {@code null} if the text is not one. Never
	 * looks a name up: callers pass text from configuration and from request headers.
	 */
	static InetAddress literal(String text) {
		if (text == null) {
			return null;
		}
		String candidate = text.strip();
		if (candidate.startsWith("[") && candidate.endsWith("]")) {
			candidate = candidate.substring(1, candidate.length() - 1);
		}
		if (!(IPV4.matcher(candidate).matches() || InetAddressUtils.isIPv6(candidate)
				|| InetAddressUtils.isIPv4MappedIPv6(candidate))) {
			return null;
		}
		try {
			// A validated literal: InetAddress parses it without a DNS query.
			return InetAddress.getByName(candidate);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length != this.network.length) {
			return false;
		}
		int fullBytes = this.prefixLength / 8;
		for (int i = 0; i < fullBytes; i++) {
			if (bytes[i] != this.network[i]) {
				return false;
			}
		}
		int restBits = this.prefixLength % 8;
		if (restBits == 0) {
			return true;
		}
		int mask = (0xff << (8 - restBits)) & 0xff;
		return (bytes[fullBytes] & mask) == (this.network[fullBytes] & mask);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof Cidr cidr) && cidr.prefixLength == this.prefixLength
				&& Arrays.equals(cidr.network, this.network);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.network) + this.prefixLength;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
