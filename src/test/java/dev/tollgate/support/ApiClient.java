package dev.tollgate.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API over real HTTP, as an operator's script would call it. */
public final class ApiClient {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private final int port;

	private final String token;

	public ApiClient(int port, String token) {
		this.port = port;
		this.token = token;
	}

	public HttpResponse<String> get(String path) {
		return send(request(path).GET());
	}

	public HttpResponse<String> get(String path, String accept) {
		return send(request(path).header("Accept", accept).GET());
	}

	public HttpResponse<String> post(String path, String body) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	public HttpResponse<String> put(String path, String body) {
		return send(request(path).header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body)));
	}

	public HttpResponse<String> put(String path, String body, String contentType, String ifMatch) {
		HttpRequest.Builder builder = request(path).header("Content-Type", contentType)
			.PUT(HttpRequest.BodyPublishers.ofString(body));
		if (ifMatch != null) {
			builder.header("If-Match", ifMatch);
		}
		return send(builder);
	}

	public HttpResponse<String> delete(String path) {
		return send(request(path).DELETE());
	}

	public HttpResponse<String> delete(String path, String ifMatch) {
		return send(request(path).header("If-Match", ifMatch).DELETE());
	}

	/** Asserts a 201, with the body as the message when it is not. */
	public static void created(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
	}

	/** Sends and asserts nothing; returns the parsed JSON body. */
	public static JsonNode body(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30));
		if (this.token != null) {
			builder.header("Authorization", "Bearer " + this.token);
		}
		return builder;
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
