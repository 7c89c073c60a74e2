package dev.tollgate.outbound;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.stereotype.Component;

/**
 * Where Tollgate may send requests (and with them credentials). Two checks:
 * <ul>
 * <li>{@link #checkUrl}: the scheme (https, or http when allowed) and the host
 * allow-list;</li>
 * <li>at connect time, every address the host resolves to: loopback only when allowed;
 * link-local and cloud metadata addresses never; private ranges are fine (self-hosted
 * CI).</li>
 * </ul>
 * Clients get both by building their transport with {@link #requestFactory}.
 */
@Component
public class OutboundPolicy {

	private static final int MAX_CONNECTIONS = 20;

	private static final int MAX_CONNECTIONS_PER_HOST = 10;

	// These hand out instance credentials (AWS/GCP/Azure; AWS over IPv6; Alibaba Cloud).
	// The first is
	// link-local anyway; the others are not, so they are named.
	private static final Set<InetAddress> METADATA_ADDRESSES = Set.of(literal("169.254.169.254"),
			literal("fd00:ec2::254"), literal("100.100.100.200"));

	// Names that resolve to a metadata service inside a cloud (GCP's two, and the short
	// form its
	// search domain completes). Refused by name, before any resolution: outside the cloud
	// they may
	// resolve to anything, and a cached answer could outlive a move into it.
	private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata");

	private static final Pattern IPV4_LITERAL = Pattern
		.compile("^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$");

	/**
	 * A last label that URL parsers read as a number ({@code 2130706433}, {@code 0},
	 * {@code 0x7f000001}, {@code 0177}): such a host is an IPv4 address to them, whatever
	 * its form.
	 */
	private static final Pattern NUMERIC_LABEL = Pattern.compile("^(0x[0-9a-f]*|\\d+)$");

	/** The one unambiguous form: four decimal parts, no leading zeros. */
	private static final Pattern DOTTED_QUAD = Pattern
		.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

	private static final byte[] NAT64_PREFIX = { 0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };

	private final boolean allowHttp;

	private final boolean allowLoopback;

	private final List<String> allowedHosts;

	OutboundPolicy(OutboundProperties properties) {
		this.allowHttp = properties.allowHttp();
		this.allowLoopback = properties.allowLoopback();
		this.allowedHosts = properties.allowedHosts()
			.stream()
			.map(String::strip)
			.filter((host) -> !host.isEmpty())
			.map((host) -> host.toLowerCase(Locale.ROOT))
			.toList();
	}

	/**
	 * Checks the scheme and host of a URL before anything is sent to it.
	 * @throws OutboundRefused if the URL may not be called
	 */
	public void checkUrl(URI url) {
		String host = host(url);
		if (host == null) {
			throw new OutboundRefused("(none)", "the URL has no host");
		}
		if (url.getRawUserInfo() != null) {
			// It would end up in logs and exception messages; credentials belong in
			// headers.
			throw new OutboundRefused(host, "credentials in the URL are not allowed");
		}
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("https") && !(scheme.equals("http") && this.allowHttp)) {
			throw new OutboundRefused(host, scheme.equals("http")
					? "only https is allowed (tollgate.outbound.allow-http is false)" : "only https is allowed");
		}
		checkHostName(host);
		if (!this.allowedHosts.isEmpty() && this.allowedHosts.stream().noneMatch((allowed) -> matches(allowed, host))) {
			throw new OutboundRefused(host, "the host is not in tollgate.outbound.allowed-hosts");
		}
		// An address written into the URL is known now, so it is refused now (when a
		// target is
		// saved, not only when it is first called); names are checked again at connect
		// time.
		InetAddress literal = ipLiteral(host);
		if (literal != null) {
			checkAddress(host, literal);
		}
	}

	private static void checkHostName(String host) {
		if (METADATA_HOSTS.contains(host)) {
			throw new OutboundRefused(host, "it is a cloud metadata host");
		}
		if (host.indexOf(':') < 0 && NUMERIC_LABEL.matcher(host.substring(host.lastIndexOf('.') + 1)).matches()
				&& !DOTTED_QUAD.matcher(host).matches()) {
			// Integer, hex, octal and short forms name an address that parsers disagree
			// on
			// (Java reads 0177.0.0.1 as 177.0.0.1, curl as 127.0.0.1), so the address
			// check
			// could pass one and the connection reach another: only dotted quads are
			// taken.
			throw new OutboundRefused(host, "a numeric host must be a dotted-quad IPv4 address without leading zeros");
		}
	}

	/**
	 * Checks one address a host resolved to, right before connecting to it.
	 * @throws OutboundRefused if the address may not be connected to
	 */
	void checkAddress(String host, InetAddress address) {
		InetAddress embedded = embeddedIpv4(address);
		if (embedded != null) {
			// NAT64 and IPv4-compatible forms reach the IPv4 address inside them.
			checkAddress(host, embedded);
		}
		String ip = address.getHostAddress();
		if (METADATA_ADDRESSES.contains(address)) {
			throw new OutboundRefused(host, "it resolves to the cloud metadata address " + ip);
		}
		if (address.isLinkLocalAddress()) {
			throw new OutboundRefused(host, "it resolves to the link-local address " + ip);
		}
		// 0.0.0.0 and :: reach the local machine too (so does the rest of 0.0.0.0/8 on
		// some systems).
		boolean thisHost = address.isAnyLocalAddress()
				|| (address instanceof Inet4Address && address.getAddress()[0] == 0);
		if ((address.isLoopbackAddress() || thisHost) && !this.allowLoopback) {
			throw new OutboundRefused(host,
					"it resolves to the loopback address " + ip + " (tollgate.outbound.allow-loopback is false)");
		}
	}

	/**
	 * A request factory that enforces this policy: {@link #checkUrl} on every request,
	 * the address check on every new connection (after DNS resolution, so a name that
	 * re-resolves to a forbidden address is still refused), no redirects, no automatic
	 * retries and a bounded connection pool. The factory owns the pool: it is a
	 * {@link org.springframework.beans.factory.DisposableBean}, and its owner destroys
	 * it.
	 * @param connectTimeout for establishing a connection, and for waiting for a pooled
	 * one
	 * @param readTimeout maximum inactivity while waiting for response data
	 */
	public ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
		PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setDnsResolver(new CheckingDnsResolver())
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(Timeout.of(connectTimeout))
				.setSocketTimeout(Timeout.of(readTimeout))
				.build())
			.setMaxConnTotal(MAX_CONNECTIONS)
			.setMaxConnPerRoute(MAX_CONNECTIONS_PER_HOST)
			.build();
		// No system proxy settings: a proxy would connect on our behalf, past the address
		// check.
		CloseableHttpClient client = HttpClients.custom()
			.setConnectionManager(connections)
			// A redirect would carry the Authorization header to wherever Location
			// points.
			.disableRedirectHandling()
			// Retrying (and honouring Retry-After) is the job queue's work; httpclient
			// would otherwise
			// sleep on a 429/503 while holding a worker.
			.disableAutomaticRetries()
			.disableCookieManagement()
			.build();
		HttpComponentsClientHttpRequestFactory factory = new HttpComponentsClientHttpRequestFactory(client) {

			@Override
			public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
				checkUrl(uri);
				return super.createRequest(uri, httpMethod);
			}

		};
		factory.setConnectionRequestTimeout(connectTimeout);
		factory.setReadTimeout(readTimeout);
		return factory;
	}

	/**
	 * The IPv4 address carried in a NAT64 ({@code 64:ff9b::/96}) or IPv4-compatible
	 * ({@code ::/96}, except {@code ::} and {@code ::1}) IPv6 address; {@code null} for
	 * any other. IPv4-mapped addresses ({@code ::ffff:0:0/96}) need nothing: Java parses
	 * them as IPv4.
	 */
	private static InetAddress embeddedIpv4(InetAddress address) {
		if (!(address instanceof Inet6Address)) {
			return null;
		}
		byte[] bytes = address.getAddress();
		byte[] prefix = Arrays.copyOf(bytes, 12);
		boolean nat64 = Arrays.equals(prefix, NAT64_PREFIX);
		boolean compatible = Arrays.equals(prefix, new byte[12]) && (bytes[12] | bytes[13]) != 0;
		if (!nat64 && !compatible) {
			return null;
		}
		try {
			return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The address a host written as an IP literal stands for; {@code null} for a name (no
	 * look-up).
	 */
	private static InetAddress ipLiteral(String host) {
		// URI only returns a host with a colon for a well-formed (bracketed) IPv6
		// literal.
		if (!IPV4_LITERAL.matcher(host).matches() && host.indexOf(':') < 0) {
			return null;
		}
		if (host.indexOf('%') >= 0) {
			// A zone id names an interface of whichever machine makes the call: a CI
			// system is never
			// addressed that way, and an unknown interface would otherwise surface as an
			// error.
			throw new OutboundRefused(host, "an IPv6 address with a zone id is not allowed");
		}
		try {
			return InetAddress.getByName(host);
		}
		catch (UnknownHostException ex) {
			throw new OutboundRefused(host, "not a valid IP address");
		}
	}

	private static String host(URI url) {
		String host = url.getHost();
		if (host == null) {
			return null;
		}
		// IPv6 literals come bracketed.
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		// "metadata.google.internal." is the same host as without the final dot.
		while (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		return host.toLowerCase(Locale.ROOT);
	}

	private static boolean matches(String allowed, String host) {
		if (allowed.startsWith("*.")) {
			// "*.acme.io" covers ci.acme.io and a.b.acme.io, not acme.io itself.
			return host.endsWith(allowed.substring(1));
		}
		return host.equals(allowed);
	}

	private static InetAddress literal(String ip) {
		try {
			return InetAddress.getByName(ip);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Resolves as usual, then refuses the host if any of its addresses is forbidden. */
	private final class CheckingDnsResolver implements DnsResolver {

		@Override
		public InetAddress[] resolve(String host) throws UnknownHostException {
			checkHostName(host.toLowerCase(Locale.ROOT));
			InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
			for (InetAddress address : addresses) {
				checkAddress(host, address);
			}
			return addresses;
		}

		@Override
		public String resolveCanonicalHostname(String host) throws UnknownHostException {
			return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
		}

	}

}
