package dev.tollgate.problem;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.stream.Collectors;

import dev.tollgate.support.ApiClient;
import dev.tollgate.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every edge answers errors the same way, whether a controller, a Spring Security handler
 * or a servlet filter wrote them: problem+json with a catalogued type, its status and a
 * title.
 */
class ProblemResponsesTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Test
	void typeUrisAreDistinct() {
		assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::uri).collect(Collectors.toSet()))
			.hasSize(ProblemType.values().length);
	}

	@Test
	void securityWritesAnUnauthorizedProblem() {
		HttpResponse<String> response = api(null).get("/api/v1/roles");
		assertProblem(response, ProblemType.UNAUTHORIZED, "Unauthorized");
	}

	@Test
	void aFilterWritesABodyTooLargeProblem() throws Exception {
		HttpResponse<String> response = http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/roles"))
				.header("Authorization", "Bearer " + ADMIN_TOKEN)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024 + 1]))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertProblem(response, ProblemType.BODY_TOO_LARGE, "Content Too Large");
	}

	@Test
	void aControllerListsTheOffendingFields() {
		HttpResponse<String> response = api().post("/api/v1/roles", "{\"name\":\"\"}");
		JsonNode body = assertProblem(response, ProblemType.INVALID_REQUEST, "Bad Request");
		assertThat(body.get("errors").get(0).get("field").asString()).isEqualTo("name");
		assertThat(body.get("errors").get(0).get("message").asString()).isNotBlank();
	}

	@Test
	void theWebhookAnswersAnUnsignedDeliveryWithAProblem() {
		HttpResponse<String> response = webhooks().send("{\"webhookEvent\":\"jira:issue_updated\"}".getBytes(),
				"problem-1", "sha256=00");
		assertProblem(response, ProblemType.UNAUTHORIZED, "Unauthorized");
	}

	private static JsonNode assertProblem(HttpResponse<String> response, ProblemType type, String title) {
		assertThat(response.statusCode()).isEqualTo(type.status().value());
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		JsonNode body = ApiClient.body(response);
		assertThat(body.get("type").asString()).isEqualTo(type.uri().toString());
		assertThat(body.get("status").asInt()).isEqualTo(type.status().value());
		assertThat(body.get("title").asString()).isEqualTo(title);
		return body;
	}

}
