package dev.tollgate.webhook;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSourcesTests {

	private static final List<Cidr> PROXIES = cidrs("10.0.0.0/8", "2001:db8:1::/48");

	private final WebhookSources sources = new WebhookSources(List.of(), PROXIES);

	@Test
	void withoutATrustedProxyThePeerIsTheSourceAndTheHeaderIsIgnored() {
		assertThat(this.sources.source("198.51.100.9", List.of("203.0.113.5"))).isEqualTo(ip("198.51.100.9"));
	}

	@Test
	void behindATrustedProxyTheRightMostForwardedAddressIsTheSource() {
		assertThat(this.sources.source("10.0.0.2", List.of("203.0.113.5"))).isEqualTo(ip("203.0.113.5"));
	}

	@Test
	void whatTheClientWroteLeftOfTheProxysEntryIsNotBelieved() {
		// The client sent "X-Forwarded-For: 10.9.9.9" hoping to look internal; the proxy
		// appended the real address.
		assertThat(this.sources.source("10.0.0.2", List.of("192.0.2.1", "203.0.113.5"))).isEqualTo(ip("203.0.113.5"));
	}

	@Test
	void trustedProxiesInTheChainAreSkipped() {
		assertThat(this.sources.source("10.0.0.2", List.of("203.0.113.5", "10.0.0.7", "2001:db8:1::9")))
			.isEqualTo(ip("203.0.113.5"));
	}

	@Test
	void aTrustedProxyWithoutTheHeaderIsItselfTheSource() {
		assertThat(this.sources.source("10.0.0.2", List.of())).isEqualTo(ip("10.0.0.2"));
	}

	@Test
	void whenEveryHopIsTrustedTheEarliestIsTheSource() {
		assertThat(this.sources.source("10.0.0.2", List.of("10.0.0.5", "10.0.0.6"))).isEqualTo(ip("10.0.0.5"));
	}

	@Test
	void aForwardedEntryThatIsNotAnAddressMakesTheSourceUnknown() {
		assertThat(this.sources.source("10.0.0.2", List.of("203.0.113.5", "evil.example"))).isNull();
		assertThat(this.sources.source("10.0.0.2", List.of("unknown"))).isNull();
	}

	@Test
	void bracketedAndMappedForwardedAddressesAreRead() {
		assertThat(this.sources.source("10.0.0.2", List.of("[2001:db8:2::1]"))).isEqualTo(ip("2001:db8:2::1"));
		assertThat(this.sources.source("::ffff:10.0.0.2", List.of("203.0.113.5"))).isEqualTo(ip("203.0.113.5"));
	}

	@Test
	void aPortWrittenByTheProxyIsIgnored() {
		// Some proxies (e.g. cloud application gateways) append the client's port.
		assertThat(this.sources.source("10.0.0.2", List.of("203.0.113.5:51234"))).isEqualTo(ip("203.0.113.5"));
		assertThat(this.sources.source("10.0.0.2", List.of("[2001:db8:2::1]:443"))).isEqualTo(ip("2001:db8:2::1"));
		assertThat(this.sources.source("10.0.0.2", List.of("2001:db8:2::1"))).isEqualTo(ip("2001:db8:2::1"));
		assertThat(this.sources.source("10.0.0.2", List.of("evil.example:80"))).isNull();
	}

	@Test
	void anEmptyAllowListAdmitsEverySourceEvenAnUnknownOne() {
		assertThat(this.sources.allowed(ip("203.0.113.5"))).isTrue();
		assertThat(this.sources.allowed(null)).isTrue();
	}

	@Test
	void anAllowListAdmitsOnlyItsNetworks() {
		WebhookSources restricted = new WebhookSources(cidrs("104.192.136.0/21", "2401:1d80::/32"), List.of());
		assertThat(restricted.allowed(ip("104.192.137.1"))).isTrue();
		assertThat(restricted.allowed(ip("2401:1d80:1:2::3"))).isTrue();
		assertThat(restricted.allowed(ip("127.0.0.1"))).isFalse();
		assertThat(restricted.allowed(ip("2401:1d81::1"))).isFalse();
		assertThat(restricted.allowed(null)).isFalse();
	}

	private static List<Cidr> cidrs(String... values) {
		return Arrays.stream(values).map(Cidr::of).toList();
	}

	private static InetAddress ip(String text) {
		return Cidr.literal(text);
	}

}
