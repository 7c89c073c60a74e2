package dev.tollgate.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundPolicyTests {

	private static final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

	private final OutboundPolicy defaults = OutboundPolicies.of(false, false);

	@BeforeAll
	static void start() {
		server.start();
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@BeforeEach
	void reset() {
		server.resetAll();
		server.stubFor(get("/ping").willReturn(aResponse().withStatus(200).withBody("pong")));
	}

	// checkUrl: scheme

	@Test
	void httpsIsAllowed() {
		assertThatNoException().isThrownBy(() -> this.defaults.checkUrl(URI.create("https://acme.atlassian.net/x")));
	}

	@Test
	void httpIsRefusedByDefault() {
		assertThatThrownBy(() -> this.defaults.checkUrl(URI.create("http://acme.atlassian.net/x")))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("'acme.atlassian.net'")
			.hasMessageContaining("only https")
			.hasMessageContaining("tollgate.outbound.allow-http");
	}

	@Test
	void httpIsAllowedWhenConfigured() {
		assertThatNoException()
			.isThrownBy(() -> OutboundPolicies.of(true, false).checkUrl(URI.create("http://jenkins.lab/x")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "ftp://acme.io/x", "file://host/etc/passwd", "gopher://acme.io/" })
	void otherSchemesAreRefusedEvenWithHttpAllowed(String url) {
		assertThatThrownBy(() -> OutboundPolicies.of(true, true).checkUrl(URI.create(url)))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("only https");
	}

	@Test
	void aUrlWithoutHostIsRefused() {
		assertThatThrownBy(() -> this.defaults.checkUrl(URI.create("https:/relative/only")))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("no host");
	}

	@Test
	void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
		assertThatThrownBy(() -> this.defaults.checkUrl(URI.create("https://bot:s3cr3t@acme.io/x")))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("'acme.io'")
			.hasMessageContaining("credentials in the URL")
			.hasMessageNotContaining("s3cr3t");
	}

	// checkUrl: allowed hosts

	@Test
	void withoutAnAllowListAnyHttpsHostIsAllowed() {
		assertThatNoException().isThrownBy(() -> this.defaults.checkUrl(URI.create("https://anything.example/")));
	}

	@Test
	void exactAllowedHostMatchesCaseInsensitively() {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "Acme.Atlassian.net");
		assertThatNoException().isThrownBy(() -> policy.checkUrl(URI.create("https://ACME.atlassian.NET/rest")));
	}

	@Test
	void hostOutsideTheAllowListIsRefused() {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "acme.atlassian.net");
		assertThatThrownBy(() -> policy.checkUrl(URI.create("https://evil.example/rest")))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("'evil.example'")
			.hasMessageContaining("tollgate.outbound.allowed-hosts");
	}

	@Test
	void exactAllowedHostDoesNotCoverSubdomains() {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "acme.io");
		assertThatThrownBy(() -> policy.checkUrl(URI.create("https://ci.acme.io/")))
			.isInstanceOf(OutboundRefused.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://ci.acme.io/", "https://a.b.ACME.io/", "https://ci.acme.io:8443/job" })
	void wildcardCoversSubdomains(String url) {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "*.acme.io");
		assertThatNoException().isThrownBy(() -> policy.checkUrl(URI.create(url)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://acme.io/", "https://evilacme.io/", "https://acme.io.evil.example/" })
	void wildcardDoesNotCoverTheBareSuffixOrLookAlikes(String url) {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "*.acme.io");
		assertThatThrownBy(() -> policy.checkUrl(URI.create(url))).isInstanceOf(OutboundRefused.class);
	}

	@Test
	void anyEntryOfTheAllowListIsEnough() {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "api.github.com", " *.acme.io ", "");
		assertThatNoException().isThrownBy(() -> policy.checkUrl(URI.create("https://api.github.com/repos")));
		assertThatNoException().isThrownBy(() -> policy.checkUrl(URI.create("https://gitlab.acme.io/api")));
	}

	// checkUrl: what is known without a DNS look-up is refused when a target is saved

	@ParameterizedTest
	@ValueSource(strings = { "https://metadata.google.internal/computeMetadata/v1/",
			"https://METADATA.google.internal./x", "https://metadata.goog/", "http://metadata/computeMetadata/v1/" })
	void metadataHostNamesAreAlwaysRefused(String url) {
		OutboundPolicy permissive = OutboundPolicies.of(true, true);
		assertThatThrownBy(() -> permissive.checkUrl(URI.create(url))).isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("cloud metadata");
	}

	@Test
	void metadataHostNamesAreRefusedEvenWhenAllowListed() {
		OutboundPolicy policy = OutboundPolicies.of(false, false, "*.google.internal");
		assertThatThrownBy(() -> policy.checkUrl(URI.create("https://metadata.google.internal/")))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("cloud metadata");
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/",
			"https://100.100.100.200/", "https://[::ffff:169.254.169.254]/", "https://[64:ff9b::a9fe:a9fe]/" })
	void metadataAddressLiteralsAreRefusedByCheckUrl(String url) {
		assertThatThrownBy(() -> OutboundPolicies.of(true, true).checkUrl(URI.create(url)))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("cloud metadata");
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://169.254.1.1/", "https://[fe80::1]/" })
	void linkLocalLiteralsAreRefusedByCheckUrl(String url) {
		assertThatThrownBy(() -> OutboundPolicies.of(true, true).checkUrl(URI.create(url)))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("link-local");
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://127.0.0.1/", "https://[::1]/", "https://0.0.0.0/", "https://[::ffff:127.0.0.1]/",
			"https://[::127.0.0.1]/", "https://[64:ff9b::7f00:1]/" })
	void loopbackLiteralsAreRefusedByCheckUrlUnlessAllowed(String url) {
		assertThatThrownBy(() -> this.defaults.checkUrl(URI.create(url))).isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("loopback");
		assertThatNoException().isThrownBy(() -> OutboundPolicies.of(false, true).checkUrl(URI.create(url)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://10.0.0.5/", "https://[fd12::1]/", "https://140.82.112.5/" })
	void otherLiteralsPassCheckUrl(String url) {
		assertThatNoException().isThrownBy(() -> this.defaults.checkUrl(URI.create(url)));
	}

	// checkAddress

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "127.8.9.10", "::1", "0.0.0.0" })
	void loopbackIsRefusedByDefault(String ip) throws Exception {
		assertThatThrownBy(() -> this.defaults.checkAddress("stub.lab", InetAddress.getByName(ip)))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("'stub.lab'")
			.hasMessageContaining("loopback")
			.hasMessageContaining("tollgate.outbound.allow-loopback");
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "::1" })
	void loopbackIsAllowedWhenConfigured(String ip) throws Exception {
		InetAddress address = InetAddress.getByName(ip);
		assertThatNoException().isThrownBy(() -> OutboundPolicies.of(false, true).checkAddress("stub.lab", address));
	}

	@ParameterizedTest
	@ValueSource(strings = { "169.254.0.1", "169.254.10.20", "fe80::1", "febf::abcd" })
	void linkLocalIsAlwaysRefused(String ip) throws Exception {
		InetAddress address = InetAddress.getByName(ip);
		assertThatThrownBy(() -> OutboundPolicies.of(true, true).checkAddress("x.lab", address))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("link-local");
	}

	@ParameterizedTest
	@ValueSource(strings = { "169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254",
			"64:ff9b::a9fe:a9fe", "::169.254.169.254" })
	void cloudMetadataIsAlwaysRefused(String ip) throws Exception {
		InetAddress address = InetAddress.getByName(ip);
		assertThatThrownBy(() -> OutboundPolicies.of(true, true).checkAddress("metadata.lab", address))
			.isInstanceOf(OutboundRefused.class)
			.hasMessageContaining("'metadata.lab'")
			.hasMessageContaining("cloud metadata");
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.1.2.3", "172.16.0.1", "192.168.1.10", "100.64.0.1", "fd12:3456::1", "140.82.112.5",
			"2606:4700::1111" })
	void privateAndPublicAddressesAreAllowed(String ip) throws Exception {
		InetAddress address = InetAddress.getByName(ip);
		assertThatNoException().isThrownBy(() -> this.defaults.checkAddress("ci.lab", address));
	}

	// requestFactory: the rules hold on the wire

	@Test
	void factoryConnectsWhenThePolicyAllows() throws Exception {
		ClientHttpRequestFactory factory = factory(OutboundPolicies.of(true, true));
		try (ClientHttpResponse response = factory.createRequest(url("/ping"), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
		}
		finally {
			((DisposableBean) factory).destroy();
		}
		server.verify(1, getRequestedFor(urlEqualTo("/ping")));
	}

	@Test
	void factoryRefusesALoopbackLiteral() throws Exception {
		assertRefusedBeforeSending(OutboundPolicies.of(true, false), url("/ping"), "loopback");
	}

	@Test
	void factoryRefusesANameThatResolvesToLoopbackAtConnectTime() throws Exception {
		OutboundPolicy policy = OutboundPolicies.of(true, false);
		URI url = URI.create("http://localhost:" + server.port() + "/ping");
		// The URL itself passes (a name could resolve anywhere); the resolved address
		// does not: this
		// is what stops a name that is re-pointed at 127.0.0.1 after the target was
		// saved.
		assertThatNoException().isThrownBy(() -> policy.checkUrl(url));
		assertRefusedBeforeSending(policy, url, "'localhost'");
	}

	@Test
	void factoryEnforcesTheScheme() throws Exception {
		assertRefusedBeforeSending(OutboundPolicies.of(false, true), url("/ping"), "only https");
	}

	@Test
	void factoryEnforcesTheAllowList() throws Exception {
		assertRefusedBeforeSending(OutboundPolicies.of(true, true, "ci.acme.io"), url("/ping"),
				"tollgate.outbound.allowed-hosts");
	}

	@Test
	void factoryDoesNotFollowRedirects() throws Exception {
		server.stubFor(get("/start").willReturn(aResponse().withStatus(302).withHeader("Location", "/elsewhere")));
		server.stubFor(get("/elsewhere").willReturn(aResponse().withStatus(200)));
		ClientHttpRequestFactory factory = factory(OutboundPolicies.of(true, true));
		try (ClientHttpResponse response = factory.createRequest(url("/start"), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(302);
		}
		finally {
			((DisposableBean) factory).destroy();
		}
		server.verify(0, getRequestedFor(urlEqualTo("/elsewhere")));
	}

	@Test
	void factoryDoesNotRetryOnItsOwn() throws Exception {
		server.stubFor(get("/busy").willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")));
		ClientHttpRequestFactory factory = factory(OutboundPolicies.of(true, true));
		try (ClientHttpResponse response = factory.createRequest(url("/busy"), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(503);
		}
		finally {
			((DisposableBean) factory).destroy();
		}
		server.verify(1, getRequestedFor(urlEqualTo("/busy")));
	}

	private void assertRefusedBeforeSending(OutboundPolicy policy, URI url, String reason) throws Exception {
		ClientHttpRequestFactory factory = factory(policy);
		try {
			assertThatThrownBy(() -> factory.createRequest(url, HttpMethod.GET).execute())
				.isInstanceOf(OutboundRefused.class)
				.hasMessageContaining(reason);
		}
		finally {
			((DisposableBean) factory).destroy();
		}
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	private static ClientHttpRequestFactory factory(OutboundPolicy policy) {
		return policy.requestFactory(Duration.ofSeconds(1), Duration.ofSeconds(2));
	}

	private static URI url(String path) {
		return URI.create("http://127.0.0.1:" + server.port() + path);
	}

}
