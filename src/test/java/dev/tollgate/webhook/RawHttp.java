package dev.tollgate.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request byte for byte over a plain socket, for what
 * {@link java.net.http.HttpClient} refuses to send: CR/LF inside header values, folded
 * headers, conflicting framing headers.
 */
final class RawHttp {

	private RawHttp() {
	}

	/** The response status and the raw response (head and body). */
	record Response(int status, String raw) {
	}

	/**
	 * @param head the request line and headers, each ending in CRLF, without the blank
	 * line that ends the head
	 */
	static Response send(int port, String head, byte[] body) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(15_000);
			OutputStream out = socket.getOutputStream();
			out.write(head.getBytes(StandardCharsets.ISO_8859_1));
			out.write("Connection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			try {
				out.write(body);
				out.flush();
			}
			catch (SocketException ex) {
				// The server may answer and close before reading the body; the answer is
				// what counts.
			}
			String raw = readAll(socket.getInputStream());
			if (!raw.startsWith("HTTP/1.1 ")) {
				throw new IllegalStateException("Not an HTTP response: " + raw);
			}
			return new Response(Integer.parseInt(raw.substring(9, 12)), raw);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String readAll(InputStream in) throws IOException {
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) != -1;) {
				response.write(buffer, 0, n);
			}
		}
		catch (SocketException ex) {
			// A reset after the response was sent (unread request body) still leaves the
			// response.
			if (response.size() == 0) {
				throw ex;
			}
		}
		return response.toString(StandardCharsets.ISO_8859_1);
	}

}
