package dev.tollgate.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}).
 * <p>
 * springdoc cannot see what a handler returning {@code ResponseEntity} answers, nor the
 * problems the error handlers write, so it would document every operation as {@code 200}
 * of any media type. {@link #truthfulResponses()} replaces that with what the endpoints
 * really answer: the success status per operation, the problem responses
 * ({@code application/problem+json}) each one can give, tags by resource, and the webhook
 * endpoints with their signature headers instead of the bearer scheme. OpenApiTruthTests
 * checks the document against the running endpoints.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String JSON = "application/json";

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String PROBLEM = "#/components/schemas/Problem";

	/**
	 * Success status per operation where it is not 200 (method and path as in the
	 * document).
	 */
	private static final Map<String, String> SUCCESS = Map.ofEntries(Map.entry("POST /api/v1/roles", "201"),
			Map.entry("POST /api/v1/role-bindings", "201"), Map.entry("POST /api/v1/targets", "201"),
			Map.entry("POST /api/v1/rules", "201"), Map.entry("POST /api/v1/tokens", "201"),
			Map.entry("POST /api/v1/gates", "201"), Map.entry("DELETE /api/v1/gates/{name}", "204"),
			Map.entry("DELETE /api/v1/roles/{name}", "204"), Map.entry("DELETE /api/v1/role-bindings/{id}", "204"),
			Map.entry("DELETE /api/v1/targets/{name}", "204"), Map.entry("DELETE /api/v1/rules/{id}", "204"),
			Map.entry("DELETE /api/v1/tokens/{id}", "204"), Map.entry("POST /api/v1/approvals/{id}/approve", "202"),
			Map.entry("POST /api/v1/approvals/{id}/deny", "202"), Map.entry("POST /api/v1/jobs/{id}/retry", "202"),
			Map.entry("POST /webhooks/jira", "202"), Map.entry("POST /webhooks/github", "200"),
			Map.entry("POST /webhooks/gitlab", "200"), Map.entry("POST /webhooks/jenkins", "200"));

	private static final Map<String, String> REASONS = Map.ofEntries(Map.entry("200", "OK"),
			Map.entry("201", "Created; Location names the new resource"), Map.entry("202", "Accepted"),
			Map.entry("204", "Deleted"),
			Map.entry("400", "A field, parameter or the body is invalid; errors lists each field"),
			Map.entry("401", "No valid bearer token (webhooks: the signature or token is missing or wrong)"),
			Map.entry("403", "The token's scopes do not allow this"), Map.entry("404", "No such resource"),
			Map.entry("409", "Conflicts with the current state (the name exists, or the resource is in use)"),
			Map.entry("412", "If-Match names a policy version that is no longer current"),
			Map.entry("413", "The body is larger than the limit"),
			Map.entry("422", "The change refers to something missing or does not fit; errors lists each field"),
			Map.entry("429", "Too many requests; Retry-After says when to try again"),
			Map.entry("503", "The database could not take the request; Retry-After says when to try again"));

	/** Signature or token headers of each webhook endpoint. */
	private static final Map<String, List<String>> WEBHOOK_HEADERS = Map.of("/webhooks/jira", List
		.of("X-Hub-Signature|sha256=<hex HMAC-SHA256 of the raw body> under a secret of tollgate.jira.webhook-secrets|true",
				"X-Atlassian-Webhook-Identifier|Jira's delivery id, stable across its retries|false"),
			"/webhooks/github",
			List.of("X-Hub-Signature-256|sha256=<hex HMAC-SHA256 of the raw body> under a secret of tollgate.github.webhook-secrets|true",
					"X-GitHub-Event|the event name, workflow_run or deployment_protection_rule|true"),
			"/webhooks/gitlab", List.of("X-Gitlab-Token|one of tollgate.gitlab.webhook-tokens|true"),
			"/webhooks/jenkins",
			List.of("X-Tollgate-Signature|sha256=<hex HMAC-SHA256 of the raw body> under a secret of tollgate.jenkins.webhook-secrets (or X-Tollgate-Token)|false",
					"X-Tollgate-Token|one of tollgate.jenkins.webhook-secrets (or X-Tollgate-Signature)|false"));

	@Bean
	OpenAPI tollgateOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Tollgate admin API")
				.version("v1")
				.description("Roles, bindings, targets, rules, gates, policy-as-code, audit, approvals and jobs. "
						+ "Authenticate with `Authorization: Bearer TOKEN`; scopes: `admin`, `auditor`, `approver`. "
						+ "Errors are RFC 9457 problem details (`application/problem+json`)."))
			.components(new Components()
				.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
				.addSchemas("Problem", problemSchema()))
			.addSecurityItem(new SecurityRequirement().addList("bearer"));
	}

	@Bean
	OpenApiCustomizer truthfulResponses() {
		return (openApi) -> {
			Set<String> tags = new TreeSet<>();
			openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
				String tag = tag(path);
				tags.add(tag);
				operation.setTags(List.of(tag));
				describe(path, method, operation);
			}));
			List<Tag> declared = new ArrayList<>();
			tags.forEach((tag) -> declared.add(new Tag().name(tag)));
			openApi.setTags(declared);
		};
	}

	private static void describe(String path, PathItem.HttpMethod method, Operation operation) {
		String key = method + " " + path;
		boolean webhook = path.startsWith("/webhooks/");
		ApiResponses before = (operation.getResponses() != null) ? operation.getResponses() : new ApiResponses();
		Schema<?> schema = successSchema(before);
		String success = SUCCESS.getOrDefault(key, "200");
		ApiResponses responses = new ApiResponses();
		ApiResponse ok = new ApiResponse().description(REASONS.get(success));
		if (!success.equals("204")) {
			ok.content(successContent(key, before, schema));
		}
		if (success.equals("201")) {
			ok.addHeaderObject("Location", new Header().schema(new StringSchema()));
		}
		responses.addApiResponse(success, ok);
		if (webhook) {
			operation.setSecurity(List.of());
			if (path.equals("/webhooks/jira")) {
				responses.addApiResponse("200", new ApiResponse().description("DUPLICATE: seen before, nothing done")
					.content(new Content().addMediaType(JSON, new MediaType().schema(schema))));
			}
			else {
				responses.addApiResponse("202",
						new ApiResponse().description("Accepted but not applied (IGNORED, UNMATCHED or DUPLICATE)")
							.content(new Content().addMediaType(JSON, new MediaType().schema(schema))));
			}
			List<Parameter> parameters = new ArrayList<>();
			if (operation.getParameters() != null) {
				operation.getParameters().stream().filter((p) -> !"header".equals(p.getIn())).forEach(parameters::add);
			}
			for (String header : WEBHOOK_HEADERS.getOrDefault(path, List.of())) {
				String[] parts = header.split("\\|");
				parameters.add(new HeaderParameter().name(parts[0])
					.description(parts[1])
					.required(Boolean.parseBoolean(parts[2]))
					.schema(new StringSchema()));
			}
			operation.setParameters(parameters);
			operation.setRequestBody(new io.swagger.v3.oas.models.parameters.RequestBody().required(true)
				.content(new Content().addMediaType(JSON, new MediaType().schema(new ObjectSchema()))));
		}
		for (String status : problems(key, path, method, operation, webhook)) {
			responses.addApiResponse(status,
					new ApiResponse().description(REASONS.get(status))
						.content(new Content().addMediaType(PROBLEM_JSON,
								new MediaType().schema(new Schema<>().$ref(PROBLEM)))));
		}
		operation.setResponses(responses);
		if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
			Content content = operation.getRequestBody().getContent();
			MediaType any = content.remove("*/*");
			if (any != null) {
				content.addMediaType(JSON, any);
			}
		}
	}

	/** The problems an operation can answer, as its code shows. */
	private static List<String> problems(String key, String path, PathItem.HttpMethod method, Operation operation,
			boolean webhook) {
		List<String> statuses = new ArrayList<>();
		boolean body = operation.getRequestBody() != null;
		boolean pathVariable = path.contains("{");
		if (webhook) {
			statuses.addAll(List.of("400", "401", "413", "503"));
			if (path.equals("/webhooks/jira")) {
				statuses.add("429");
			}
			return statuses;
		}
		if (body || operation.getParameters() != null && !operation.getParameters().isEmpty()
				&& operation.getParameters()
					.stream()
					.anyMatch((p) -> "query".equals(p.getIn()) || "path".equals(p.getIn()))) {
			statuses.add("400");
		}
		statuses.add("401");
		statuses.add("403");
		// A retry of a job that is not there is a 409 like one that is not dead.
		if (pathVariable && !key.equals("POST /api/v1/jobs/{id}/retry")) {
			statuses.add("404");
		}
		boolean policyWrite = path.startsWith("/api/v1/roles") || path.startsWith("/api/v1/role-bindings")
				|| path.startsWith("/api/v1/targets") || path.startsWith("/api/v1/rules")
				|| path.equals("/api/v1/policy");
		if (policyWrite && method != PathItem.HttpMethod.GET) {
			statuses.add("409");
			if (method != PathItem.HttpMethod.POST && !path.startsWith("/api/v1/role-bindings")) {
				statuses.add("412");
			}
			if (method != PathItem.HttpMethod.DELETE) {
				statuses.add("422");
			}
		}
		if (key.startsWith("POST /api/v1/approvals/")) {
			statuses.add("409");
			statuses.add("429");
		}
		if (key.equals("POST /api/v1/tokens")) {
			statuses.add("422");
		}
		if (key.equals("POST /api/v1/jobs/{id}/retry")) {
			statuses.add("409");
		}
		if (body) {
			statuses.add("413");
		}
		return statuses;
	}

	private static Schema<?> successSchema(ApiResponses before) {
		ApiResponse ok = before.get("200");
		if (ok == null || ok.getContent() == null || ok.getContent().isEmpty()) {
			return new ObjectSchema();
		}
		MediaType first = ok.getContent().values().iterator().next();
		return (first.getSchema() != null) ? first.getSchema() : new ObjectSchema();
	}

	private static Content successContent(String key, ApiResponses before, Schema<?> schema) {
		Content content = new Content();
		ApiResponse ok = before.get("200");
		if (ok != null && ok.getContent() != null) {
			ok.getContent().forEach((type, media) -> content.addMediaType(type.equals("*/*") ? JSON : type, media));
		}
		if (key.equals("GET /api/v1/audit/export")) {
			content.clear();
			content.addMediaType("application/x-ndjson", new MediaType().schema(new StringSchema()));
			content.addMediaType("text/csv", new MediaType().schema(new StringSchema()));
		}
		if (content.isEmpty()) {
			content.addMediaType(JSON, new MediaType().schema(schema));
		}
		return content;
	}

	/**
	 * The resource an operation belongs to: the path segment after /api/v1 or "webhooks".
	 */
	private static String tag(String path) {
		if (path.startsWith("/webhooks/")) {
			return "webhooks";
		}
		String rest = path.startsWith("/api/v1/") ? path.substring("/api/v1/".length()) : path;
		int slash = rest.indexOf('/');
		return (slash < 0) ? rest : rest.substring(0, slash);
	}

	private static Schema<?> problemSchema() {
		Map<String, Schema> properties = new LinkedHashMap<>();
		properties.put("type", new StringSchema().format("uri").description("stable; switch on it"));
		properties.put("title", new StringSchema());
		properties.put("status", new IntegerSchema());
		properties.put("detail", new StringSchema().description("a sentence for people"));
		properties.put("instance", new StringSchema().format("uri"));
		properties.put("errors",
				new io.swagger.v3.oas.models.media.ArraySchema()
					.items(new ObjectSchema().addProperty("field", new StringSchema())
						.addProperty("message", new StringSchema()))
					.description("each offending field, on 400 and 422"));
		return new ObjectSchema().properties(properties).description("RFC 9457 problem details");
	}

}
