package dev.tollgate.webhook;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tollgate.webhook.*} as it binds at start-up: CIDRs are parsed then, or the start
 * fails.
 */
class WebhookPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void defaultsAllowEverySourceAndAnswerEveryBadSignature401() {
		this.runner.run((context) -> {
			WebhookProperties properties = context.getBean(WebhookProperties.class);
			assertThat(properties.allowedCidrs()).isEmpty();
			assertThat(properties.trustedProxies()).isEmpty();
			// A bad signature is a 401; the 429 limit is opt-in.
			assertThat(properties.rejectedSignatureLimitPerMinute()).isZero();
		});
	}

	@Test
	void commaSeparatedCidrsBindAsTheEnvironmentVariableGivesThem() {
		this.runner
			.withPropertyValues("tollgate.webhook.allowed-cidrs=104.192.136.0/21, 2401:1d80::/32,185.166.140.0/22",
					"tollgate.webhook.trusted-proxies=10.0.0.0/8")
			.run((context) -> {
				WebhookProperties properties = context.getBean(WebhookProperties.class);
				assertThat(properties.allowedCidrs()).map(Cidr::toString)
					.containsExactly("104.192.136.0/21", "2401:1d80::/32", "185.166.140.0/22");
				assertThat(properties.trustedProxies().get(0).contains(InetAddress.getByName("10.3.2.1"))).isTrue();
			});
	}

	@Test
	void anInvalidCidrStopsTheStartWithAMessageThatNamesIt() {
		this.runner.withPropertyValues("tollgate.webhook.allowed-cidrs=10.0.0.0/8,10.0.0.0/33").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("tollgate.webhook.allowed-cidrs")
				.contains("'10.0.0.0/33' is not a CIDR: the prefix length must be between 0 and 32");
		});
	}

	@Test
	void aHostNameIsNotATrustedProxy() {
		this.runner.withPropertyValues("tollgate.webhook.trusted-proxies=ingress.internal").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("tollgate.webhook.trusted-proxies")
				.contains("host names are not allowed");
		});
	}

	@Test
	void aNegativeLimitIsRefused() {
		this.runner.withPropertyValues("tollgate.webhook.rejected-signature-limit-per-minute=-1")
			.run((context) -> assertThat(context).hasFailed());
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			all.append(t.getMessage()).append('\n');
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(WebhookProperties.class)
	static class Config {

	}

}
