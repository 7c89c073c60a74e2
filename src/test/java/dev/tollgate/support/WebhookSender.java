package dev.tollgate.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.tollgate.signature.HmacSignature;

/** Sends Jira webhook deliveries over real HTTP, signed like Jira signs them. */
public final class WebhookSender {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	private final String secret;

	private final String forwardedFor;

	public WebhookSender(int port, String secret) {
		this(port, secret, null);
	}

	private WebhookSender(int port, String secret, String forwardedFor) {
		this.port = port;
		this.secret = secret;
		this.forwardedFor = forwardedFor;
	}

	/**
	 * The same sender, with {@code X-Forwarded-For: value} on every delivery (as a proxy
	 * would add it).
	 */
	public WebhookSender forwardedFor(String value) {
		return new WebhookSender(this.port, this.secret, value);
	}

	public HttpResponse<String> send(String body, String deliveryId) {
		return send(body.getBytes(StandardCharsets.UTF_8), deliveryId,
				HmacSignature.sign(this.secret, body.getBytes(StandardCharsets.UTF_8)));
	}

	public HttpResponse<String> send(byte[] body, String deliveryId, String signature) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/jira"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json; charset=utf-8")
			.header("User-Agent", "Atlassian Webhook HTTP Client")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (deliveryId != null) {
			request.header("X-Atlassian-Webhook-Identifier", deliveryId);
		}
		if (signature != null) {
			request.header("X-Hub-Signature", signature);
		}
		if (this.forwardedFor != null) {
			request.header("X-Forwarded-For", this.forwardedFor);
		}
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
