package dev.tollgate.bench.ceiling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.servlet.autoconfigure.HttpEncodingAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The ceiling for {@code bench/run.sh}: the same request work as Tollgate's {@code POST /webhooks/jira}
 * minus everything durable. It reads the body (1 MB limit), checks the HMAC-SHA256
 * {@code X-Hub-Signature} in constant time, parses the body with Jackson 3 and answers 202 with a
 * small JSON body. No database, no security filter chain, no actuator, no metrics.
 * <p>
 * It runs on Tollgate's own dependency jars (the {@code lib/} of the extracted Tollgate jar) with
 * Tollgate's request threads (64 platform threads, virtual threads off), so the web stack, its
 * threading, Jackson and the JVM are the ones Tollgate uses. Those jars carry JDBC, Flyway and
 * Security auto-configurations: only the narrow set below is imported, never the whole
 * {@code AutoConfiguration.imports}.
 * <p>
 * Usage: {@code CEILING_SECRET=s java -cp "X/lib/*:tollgate-bench-ceiling.jar"
 * dev.tollgate.bench.ceiling.CeilingApp --server.port=N}
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
		JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
		TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
		WebMvcAutoConfiguration.class, HttpEncodingAutoConfiguration.class })
public class CeilingApp {

	public static void main(String[] args) {
		SpringApplication app = new SpringApplication(CeilingApp.class, Endpoint.class);
		app.setDefaultProperties(Map.of("spring.threads.virtual.enabled", "false", "server.tomcat.threads.max", "64",
				"spring.main.banner-mode", "off", "spring.jmx.enabled", "false"));
		app.run(args);
	}

	@RestController
	static class Endpoint {

		private static final String PREFIX = "sha256=";

		private static final long MAX_BODY_BYTES = 1024 * 1024;

		private final SecretKeySpec key;

		private final JsonMapper json;

		Endpoint(@Value("${ceiling.secret}") String secret, JsonMapper json) {
			this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
			this.json = json;
		}

		@GetMapping("/ready")
		String ready() {
			return "ok";
		}

		@PostMapping("/webhooks/jira")
		ResponseEntity<Object> receive(HttpServletRequest request,
				@RequestHeader(name = "X-Hub-Signature", required = false) String signature,
				@RequestHeader(name = "X-Atlassian-Webhook-Identifier", required = false) String deliveryId)
				throws IOException {
			if (request.getContentLengthLong() > MAX_BODY_BYTES) {
				return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).build();
			}
			byte[] body = request.getInputStream().readNBytes((int) MAX_BODY_BYTES + 1);
			if (body.length > MAX_BODY_BYTES) {
				return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).build();
			}
			byte[] claimed = parse(signature);
			if (claimed == null || !MessageDigest.isEqual(claimed, digest(body))) {
				return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
			}
			JsonNode root;
			try {
				root = this.json.readTree(body);
			}
			catch (RuntimeException ex) {
				return ResponseEntity.badRequest().build();
			}
			JsonNode issue = root.path("issue");
			if (issue.path("key").asString("").isEmpty() || root.path("webhookEvent").asString("").isEmpty()) {
				return ResponseEntity.badRequest().build();
			}
			return ResponseEntity.status(HttpStatus.ACCEPTED)
				.body(Map.of("deliveryId", (deliveryId != null) ? deliveryId : "", "status", "ACCEPTED"));
		}

		private byte[] digest(byte[] body) {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(this.key);
				return mac.doFinal(body);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static byte[] parse(String header) {
			if (header == null) {
				return null;
			}
			String value = header.strip();
			if (value.length() != PREFIX.length() + 64
					|| !value.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
				return null;
			}
			try {
				return HexFormat.of().parseHex(value, PREFIX.length(), value.length());
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}

	}

}
