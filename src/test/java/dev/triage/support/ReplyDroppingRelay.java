package dev.triage.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 that loses replies the way a real network path does: every request
 * reaches the server untouched, but the server's reply never reaches the client; the relay
 * resets the client's connection once the reply has arrived (as an ingress or a NAT that drops
 * the connection after the upstream answered). What was dropped is kept for the test to show
 * that the server did answer.
 */
public final class ReplyDroppingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public ReplyDroppingRelay(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "reply-dropping-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The beginning of every reply the server sent and the client never got (status line first). */
    public List<String> dropped() {
        return List.copyOf(dropped);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Socket server = new Socket();
                sockets.add(server);
                server.connect(target, 2000);
                forward(client, server);
                swallow(server, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Client to server, unchanged. */
    private void forward(Socket client, Socket server) {
        daemon(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the client's side was reset below
            }
        });
    }

    /** Server to client: read the reply, keep its head, and reset the client's connection instead of passing it on. */
    private void swallow(Socket server, Socket client) {
        daemon(() -> {
            try (InputStream in = server.getInputStream()) {
                byte[] buffer = new byte[16 * 1024];
                int n = in.read(buffer); // blocks until the server has answered (it committed first)
                if (n > 0) {
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    head.write(buffer, 0, Math.min(n, 512));
                    dropped.add(head.toString(StandardCharsets.ISO_8859_1));
                }
                client.setSoLinger(true, 0); // RST: the client sees its connection reset, no reply
                client.close();
                server.close();
            } catch (IOException e) {
                // gone already
            }
        });
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "reply-dropping-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
