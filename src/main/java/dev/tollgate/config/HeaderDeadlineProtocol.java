package dev.tollgate.config;

import java.io.IOException;

import org.apache.coyote.Processor;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's NIO connector with a deadline on a request's head: a connection that has not
 * sent its request line and headers within {@code headerTimeout} of their first byte is
 * closed. Tomcat has only a time-out per read ({@code connectionTimeout}), which a client
 * sending a byte every few seconds never reaches.
 * <p>
 * While a head is incomplete, Tomcat keeps the connection's processor and calls
 * {@link Http11Processor#service} again each time bytes arrive; the processor notes when
 * the head began and refuses to go on past the deadline. A client that stops sending
 * altogether is closed by {@code connectionTimeout} as before, so a head takes at most
 * about {@code headerTimeout} plus {@code connectionTimeout}. Named by class in
 * {@link SlowClientConfiguration}, so it needs a public no-argument constructor.
 */
public class HeaderDeadlineProtocol extends Http11NioProtocol {

	private volatile long headerTimeoutMillis = 10_000;

	public void setHeaderTimeoutMillis(long headerTimeoutMillis) {
		this.headerTimeoutMillis = headerTimeoutMillis;
	}

	public long getHeaderTimeoutMillis() {
		return this.headerTimeoutMillis;
	}

	@Override
	protected Processor createProcessor() {
		return new DeadlineProcessor(this);
	}

	private static final class DeadlineProcessor extends Http11Processor {

		private final HeaderDeadlineProtocol protocol;

		/** The connection whose head is under way, or {@code null}. */
		private SocketWrapperBase<?> waitingFor;

		private long headSince;

		DeadlineProcessor(HeaderDeadlineProtocol protocol) {
			super(protocol, protocol.getAdapter());
			this.protocol = protocol;
		}

		@Override
		public SocketState service(SocketWrapperBase<?> socket) throws IOException {
			long now = System.nanoTime();
			// Processors are pooled and Tomcat may recycle one without calling service
			// (a time-out, an error), so the mark counts only for the same connection.
			if (this.waitingFor != socket) {
				this.waitingFor = socket;
				this.headSince = now;
			}
			else if (now - this.headSince > this.protocol.headerTimeoutMillis * 1_000_000L) {
				this.waitingFor = null;
				return SocketState.CLOSED;
			}
			SocketState state = super.service(socket);
			// LONG without async or upgrade: the head is incomplete and Tomcat waits for
			// more
			// bytes on this connection. Anything else ends the head.
			if (state != SocketState.LONG || isAsync() || isUpgrade()) {
				this.waitingFor = null;
			}
			return state;
		}

	}

}
