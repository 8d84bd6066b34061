package dev.lanyard.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real backend, to cut it off in a test: {@link #blackhole()}
 * keeps accepting connections but passes no byte either way, as a hung or partitioned
 * server does; {@link #refuse()} drops every connection and closes each new one at once,
 * as a server that is restarting does; {@link #restore()} relays again.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean blackhole;

	private volatile boolean refuse;

	public TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket();
		this.server.bind(new InetSocketAddress("127.0.0.1", 0));
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + targetPort);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Stops relaying: new and existing connections stay open and silent. */
	public void blackhole() {
		this.blackhole = true;
	}

	/** Drops every open connection (new ones are still relayed unless blackholed). */
	public void cut() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.sockets.clear();
	}

	/**
	 * Drops every open connection and closes new ones as soon as they are accepted, until
	 * {@link #restore()}.
	 */
	public void refuse() throws IOException {
		this.refuse = true;
		cut();
	}

	public void restore() {
		this.blackhole = false;
		this.refuse = false;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (this.refuse) {
					client.close();
					continue;
				}
				this.sockets.add(client);
				if (this.blackhole) {
					continue;
				}
				Socket target = new Socket("127.0.0.1", this.targetPort);
				this.sockets.add(target);
				pipe(client, target);
				pipe(target, client);
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	private void pipe(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					while (this.blackhole && !from.isClosed()) {
						Thread.sleep(50);
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				// Connection over.
			}
		});
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

}
