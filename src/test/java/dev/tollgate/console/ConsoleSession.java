package dev.tollgate.console;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person's browser at the HTTP level: cookies kept, redirects not followed (so a test
 * sees each one), forms posted with the CSRF token the last page carried.
 */
final class ConsoleSession {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private final String base;

	private final HttpClient client;

	private String csrf;

	ConsoleSession(int port) {
		this.base = "http://localhost:" + port;
		this.client = HttpClient.newBuilder()
			.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	HttpResponse<String> get(String pathOrUrl) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri(pathOrUrl)).GET().build());
		Matcher matcher = CSRF.matcher(response.body());
		if (matcher.find()) {
			this.csrf = matcher.group(1);
		}
		return response;
	}

	/** Follows redirects like a browser, ending on the first non-redirect answer. */
	HttpResponse<String> follow(String pathOrUrl) {
		HttpResponse<String> response = get(pathOrUrl);
		for (int i = 0; i < 10 && response.statusCode() / 100 == 3; i++) {
			String location = response.headers().firstValue("Location").orElseThrow();
			response = get(response.uri().resolve(location).toString());
		}
		return response;
	}

	/** Posts a form with the CSRF token of the last page fetched. */
	HttpResponse<String> post(String path, Map<String, String> form) {
		Map<String, String> fields = new LinkedHashMap<>(form);
		if (this.csrf != null) {
			fields.put("_csrf", this.csrf);
		}
		return postRaw(path, fields);
	}

	/** Posts exactly these fields: no CSRF token unless given. */
	HttpResponse<String> postRaw(String path, Map<String, String> fields) {
		String body = fields.entrySet()
			.stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	/** Signs in with an API token; the answer is the sign-in form's redirect. */
	HttpResponse<String> signIn(String token) {
		get(ConsoleSecurityConfiguration.SIGN_IN);
		return post(ConsoleSecurityConfiguration.SIGN_IN, Map.of("token", token));
	}

	private URI uri(String pathOrUrl) {
		return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : this.base + pathOrUrl);
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofString());
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
