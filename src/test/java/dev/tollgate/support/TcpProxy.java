package dev.tollgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that a test can cut and restore, to make a real server
 * (PostgreSQL) vanish and come back without touching the server itself. While cut, new
 * connections are refused and open ones are closed, which is what clients see when the
 * database restarts.
 */
public final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile ServerSocket server;

	public TcpProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.port = probe.getLocalPort();
		}
		open();
	}

	public int port() {
		return this.port;
	}

	/** Starts accepting again on the same port. */
	public synchronized void open() throws IOException {
		if (this.server != null) {
			return;
		}
		ServerSocket socket = new ServerSocket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
		this.server = socket;
		Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-accept-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** Refuses new connections and drops every open one. */
	public synchronized void cut() {
		closeQuietly(this.server);
		this.server = null;
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	@Override
	public void close() {
		cut();
	}

	private void accept(ServerSocket socket) {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				Socket upstream = new Socket(this.targetHost, this.targetPort);
				this.sockets.add(client);
				this.sockets.add(upstream);
				pump(client, upstream);
				pump(upstream, client);
			}
			catch (IOException ex) {
				// closed by cut(), or the target refused: the client sees a dropped
				// connection
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int n;
				while ((n = in.read(buffer)) != -1) {
					out.write(buffer, 0, n);
					out.flush();
				}
			}
			catch (IOException ex) {
				// connection dropped
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (IOException ex) {
				// nothing to do
			}
		}
	}

}
