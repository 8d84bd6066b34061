package dev.lanyard.exchange.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay in front of the real Redis that can stall the connections that subscribed
 * (their client sent {@code SUBSCRIBE}) while relaying every other one: what a network
 * device that silently drops an idle connection does to a subscription, which only
 * listens, while the connection that sends commands keeps working. A stalled connection
 * stays open and passes no byte either way.
 */
final class SubscriptionStallingRelay implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean stallSubscriptions;

	SubscriptionStallingRelay(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket();
		this.server.bind(new InetSocketAddress("127.0.0.1", 0));
		Thread acceptor = new Thread(this::accept, "subscription-relay");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	void stallSubscriptions() {
		this.stallSubscriptions = true;
	}

	void restore() {
		this.stallSubscriptions = false;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket target = new Socket("127.0.0.1", this.targetPort);
				this.sockets.add(client);
				this.sockets.add(target);
				AtomicBoolean subscribed = new AtomicBoolean();
				pipe(client, target, subscribed, true);
				pipe(target, client, subscribed, false);
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	private void pipe(Socket from, Socket to, AtomicBoolean subscribed, boolean fromClient) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (fromClient && new String(buffer, 0, read, StandardCharsets.ISO_8859_1).toUpperCase()
						.contains("SUBSCRIBE")) {
						subscribed.set(true);
					}
					while (this.stallSubscriptions && subscribed.get() && !from.isClosed()) {
						Thread.sleep(50);
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				// Connection over.
			}
			finally {
				close(from);
				close(to);
			}
		});
		thread.setDaemon(true);
		thread.start();
	}

	private static void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Closed already.
		}
		this.sockets.forEach(SubscriptionStallingRelay::close);
	}

}
