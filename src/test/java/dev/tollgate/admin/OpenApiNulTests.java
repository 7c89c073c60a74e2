package dev.tollgate.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.tollgate.support.ApiClient;
import dev.tollgate.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every admin operation the OpenAPI document lists gets a NUL character in each query
 * parameter and in each string field of its JSON body, one at a time, and answers a 4xx
 * problem+json, never a 5xx. The list comes from {@code /v3/api-docs}, so a new endpoint
 * is covered without editing this test.
 */
class OpenApiNulTests extends IntegrationTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper JSON = new JsonMapper();

	private static final String NUL = "\u0000";

	@Test
	void aNulInAnyParameterOrBodyFieldOfAnyAdminOperationIsAClear4xxProblem() throws Exception {
		JsonNode document = ApiClient.body(api().get("/v3/api-docs"));
		List<String> tried = new ArrayList<>();
		Map<String, String> failures = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
			if (!path.getKey().startsWith("/api/")) {
				continue;
			}
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				String method = operation.getKey().toUpperCase();
				if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
					continue;
				}
				String concrete = path.getKey().replaceAll("\\{[^}]+}", "nul-test");
				for (JsonNode parameter : operation.getValue().path("parameters")) {
					if (!"query".equals(parameter.path("in").asString())) {
						continue;
					}
					String name = parameter.path("name").asString();
					String target = concrete + "?" + name + "=%00";
					tried.add(method + " " + target);
					check(failures, method, target, null);
				}
				JsonNode schema = operation.getValue().at("/requestBody/content/application~1json/schema");
				if (!schema.isMissingNode()) {
					for (String field : stringFields(document, schema, "", 0)) {
						tried.add(method + " " + concrete + " body." + field);
						check(failures, method, concrete, bodyWithNulAt(field));
					}
				}
			}
		}
		assertThat(tried).as("operations found in the OpenAPI document")
			.anyMatch((t) -> t.startsWith("GET /api/v1/audit?projectKey="))
			.anyMatch((t) -> t.startsWith("POST /api/v1/roles body.description"))
			.anyMatch((t) -> t.startsWith("POST /api/v1/tokens body.name"));
		assertThat(failures).as("requests with a NUL that were not a 4xx problem").isEmpty();
	}

	private void check(Map<String, String> failures, String method, String target, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + target))
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.header("Accept", "application/json");
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		String contentType = response.headers().firstValue("Content-Type").orElse("");
		if (response.statusCode() < 400 || response.statusCode() >= 500
				|| !contentType.startsWith("application/problem+json")) {
			failures.put(method + " " + target + ((body != null) ? " " + body : ""),
					response.statusCode() + " " + contentType + " " + response.body());
		}
	}

	/** Dotted paths of every string (or array of strings) property, two levels deep. */
	private static List<String> stringFields(JsonNode document, JsonNode schema, String prefix, int depth) {
		JsonNode resolved = resolve(document, schema);
		List<String> fields = new ArrayList<>();
		for (Map.Entry<String, JsonNode> property : resolved.path("properties").properties()) {
			JsonNode type = resolve(document, property.getValue());
			String name = prefix + property.getKey();
			String kind = type.path("type").asString();
			if ("string".equals(kind) || ("array".equals(kind)
					&& "string".equals(resolve(document, type.path("items")).path("type").asString()))) {
				fields.add(name);
			}
			else if ("object".equals(kind) && type.has("additionalProperties")) {
				fields.add(name + ".key");
			}
			else if (depth < 2 && (type.has("properties"))) {
				fields.addAll(stringFields(document, type, name + ".", depth + 1));
			}
		}
		if (fields.isEmpty() && depth == 0) {
			// A body without named fields (a map or a free document): a NUL in a key.
			fields.add("key");
		}
		return fields;
	}

	private static JsonNode resolve(JsonNode document, JsonNode schema) {
		String ref = schema.path("$ref").asString("");
		if (ref.startsWith("#/")) {
			return document.at(ref.substring(1));
		}
		return schema;
	}

	/** {@code {"a": {"b": "\0"}}} for field {@code a.b}. */
	private static String bodyWithNulAt(String field) {
		ObjectNode root = JSON.createObjectNode();
		ObjectNode node = root;
		String[] parts = field.split("\\.");
		for (int i = 0; i < parts.length - 1; i++) {
			node = node.putObject(parts[i]);
		}
		node.put(parts[parts.length - 1], NUL);
		return JSON.writeValueAsString(root);
	}

}
