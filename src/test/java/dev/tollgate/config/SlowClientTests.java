package dev.tollgate.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that trickles its request head (a slowloris) is cut off at the header
 * deadline, although each gap between its bytes is well inside Tomcat's time-out between
 * reads; a client that sends its head promptly, or idles between requests on a kept-alive
 * connection, is served. Every wait here is bounded by the socket's read time-out.
 */
@TestPropertySource(properties = "tollgate.server.header-timeout=2s")
class SlowClientTests extends IntegrationTest {

	private static final Duration DEADLINE = Duration.ofSeconds(2);

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void theServicePortUsesTheHeaderDeadlineAndAShortTimeoutBetweenReads() {
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		assertThat(server.getTomcat().getConnector().getProtocolHandler())
			.isInstanceOfSatisfying(HeaderDeadlineProtocol.class, (protocol) -> {
				assertThat(protocol.getHeaderTimeoutMillis()).isEqualTo(DEADLINE.toMillis());
				assertThat(protocol.getConnectionTimeout()).isEqualTo(5000);
			});
	}

	@Test
	void aClientTricklingItsHeadersIsDisconnectedAtTheDeadline() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(400);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			long start = System.nanoTime();
			out.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			boolean closed = false;
			// A header byte every 400 ms, far inside the 5 s between reads, for at most
			// 15 s.
			while (!closed && Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15) {
				try {
					out.write('X');
					out.flush();
					closed = in.read() == -1;
				}
				catch (SocketTimeoutException ex) {
					// Still open: nothing to read yet.
				}
				catch (SocketException ex) {
					closed = true;
				}
			}
			Duration held = Duration.ofNanos(System.nanoTime() - start);
			assertThat(closed).as("the server closed the connection").isTrue();
			assertThat(held).isGreaterThanOrEqualTo(DEADLINE).isLessThan(DEADLINE.plusSeconds(3));
		}
	}

	@Test
	void aHeadSentInPiecesWithinTheDeadlineIsServed() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			for (String piece : new String[] { "GET /actuator/health HTTP/1.1\r\n", "Host: localhost\r\n",
					"Connection: close\r\n", "\r\n" }) {
				out.write(piece.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				Thread.sleep(300);
			}
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
			assertThat(response).startsWith("HTTP/1.1 200");
		}
	}

	@Test
	void aKeptAliveConnectionIdlingLongerThanTheDeadlineBetweenRequestsIsServed() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(readHead(in)).startsWith("HTTP/1.1 200");
			Thread.sleep(DEADLINE.plusMillis(1500).toMillis());
			out.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
		}
	}

	/** Reads one response: its head, then its body, sized or chunked. */
	private static String readHead(InputStream in) throws IOException {
		String head = readUntil(in, "\r\n\r\n");
		if (head.toLowerCase().contains("transfer-encoding: chunked")) {
			readUntil(in, "\r\n0\r\n\r\n");
		}
		else {
			for (String line : head.split("\r\n")) {
				if (line.toLowerCase().startsWith("content-length:")) {
					in.readNBytes(Integer.parseInt(line.substring(15).trim()));
				}
			}
		}
		return head;
	}

	private static String readUntil(InputStream in, String end) throws IOException {
		StringBuilder read = new StringBuilder();
		while (!read.toString().endsWith(end)) {
			int b = in.read();
			assertThat(b).as("response ended early: %s", read).isNotEqualTo(-1);
			read.append((char) b);
		}
		return read.toString();
	}

}
