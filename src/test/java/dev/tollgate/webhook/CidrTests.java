package dev.tollgate.webhook;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CidrTests {

	@ParameterizedTest(name = "{0} contains {1}: {2}")
	@CsvSource({
			// IPv4
			"10.0.0.0/8, 10.255.1.2, true", "10.0.0.0/8, 11.0.0.1, false", "192.168.4.0/22, 192.168.7.255, true",
			"192.168.4.0/22, 192.168.8.0, false", "172.16.0.0/12, 172.31.255.255, true",
			"172.16.0.0/12, 172.32.0.0, false",
			// /32 and a bare address are one host
			"203.0.113.7/32, 203.0.113.7, true", "203.0.113.7/32, 203.0.113.8, false", "203.0.113.7, 203.0.113.7, true",
			"203.0.113.7, 203.0.113.6, false",
			// /0 is everything of its family, and nothing of the other
			"0.0.0.0/0, 198.51.100.1, true", "0.0.0.0/0, 2001:db8::1, false", "::/0, 2001:db8::1, true",
			"::/0, 198.51.100.1, false",
			// IPv6
			"2001:db8::/32, 2001:db8:ffff::1, true", "2001:db8::/32, 2001:db9::1, false",
			"2001:db8:a::/48, 2001:db8:a:1234::1, true", "fe80::/10, febf::1, true", "fe80::/10, fec0::1, false",
			"::1/128, ::1, true", "::1, ::2, false",
			// IPv4-mapped IPv6, on either side, is the IPv4 address it carries
			"10.0.0.0/8, ::ffff:10.1.2.3, true", "::ffff:10.0.0.0/104, 10.1.2.3, true",
			"::ffff:10.0.0.0/104, 11.1.2.3, false", "::ffff:0:0/96, 8.8.8.8, true",
			"127.0.0.1/32, ::ffff:127.0.0.1, true" })
	void matches(String cidr, String address, boolean expected) throws Exception {
		assertThat(Cidr.of(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
	}

	@Test
	void whitespaceAroundTheValueIsIgnored() throws Exception {
		assertThat(Cidr.of(" 10.0.0.0/8 ").contains(InetAddress.getByName("10.1.1.1"))).isTrue();
		assertThat(Cidr.of(" 10.0.0.0/8 ")).hasToString("10.0.0.0/8");
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.0.0.0/33", "2001:db8::/129", "::ffff:10.0.0.0/95", "10.0.0.0/-1", "10.0.0.0/",
			"10.0.0.0/x" })
	void aBadPrefixLengthIsRefused(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.of(value))
			.withMessageContaining("'" + value + "' is not a CIDR")
			.withMessageContaining("prefix length");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "10.0.0/8", "256.0.0.0/8", "10.0.0.0.0/8", "localhost/32", "example.com",
			"2001:db8:::/32", "10.0.0.0 /8 x", "*" })
	void somethingThatIsNotAnAddressIsRefusedWithoutALookUp(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.of(value)).withMessageContaining("is not a CIDR");
	}

	@ParameterizedTest
	@ValueSource(strings = { "evil.example", "1.2.3.4:80", "1.2.3", "unknown", "" })
	void literalIsNullForAnythingButAnAddress(String text) {
		assertThat(Cidr.literal(text)).isNull();
	}

	@Test
	void literalAcceptsBracketedIpv6() throws Exception {
		assertThat(Cidr.literal("[2001:db8::1]")).isEqualTo(InetAddress.getByName("2001:db8::1"));
	}

}
