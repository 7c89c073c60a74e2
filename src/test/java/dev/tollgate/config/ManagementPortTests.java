package dev.tollgate.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code management.server.port} set, health and metrics are served on that port
 * only, a connector of their own that slow or many clients of the service port cannot
 * exhaust; the Helm chart's probes and scrapes use it.
 */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalManagementPort
	private int managementPort;

	@Test
	void healthAndMetricsAnswerOnTheManagementPortAndNotOnTheServicePort() throws Exception {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		for (String path : new String[] { "/actuator/health", "/actuator/health/liveness",
				"/actuator/health/readiness" }) {
			HttpResponse<String> response = get(this.managementPort, path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(response.body()).as(path).contains("\"status\":\"UP\"");
			assertThat(get(this.port, path).statusCode()).as(path + " on the service port").isBetween(400, 499);
		}
		HttpResponse<String> metrics = get(this.managementPort, "/actuator/prometheus");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("tollgate_webhooks_received_total");
		HttpResponse<String> onServicePort = get(this.port, "/actuator/prometheus");
		assertThat(onServicePort.statusCode()).isBetween(400, 499);
		assertThat(onServicePort.body()).doesNotContain("tollgate_webhooks_received_total");
	}

	@Test
	void theServicePortStillServesTheApi() throws Exception {
		assertThat(api().get("/api/v1/roles").statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
