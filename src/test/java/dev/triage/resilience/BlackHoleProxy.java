package dev.triage.resilience;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of the fault suite's PostgreSQL, so a test can make the
 * network path fail the way real networks do: {@link #blackHole()} silently drops every byte
 * on existing connections, for good (like packets lost to a vanished host), and leaves new
 * connections unanswered until {@link #restore()}; the server itself never notices.
 */
final class BlackHoleProxy implements AutoCloseable {

    private final int port;
    private volatile ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean holeOpen;
    private volatile boolean closed;

    BlackHoleProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    int port() {
        return port;
    }

    /**
     * Stops listening, so new connections are refused as by a stopped server (a relay that
     * accepted them would turn "refused" into a hang); connections the server closes close too.
     */
    void refuse() throws IOException {
        listener.close();
    }

    /** Listens again on the same port. */
    void listen() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        listener = socket;
        startAccepting(socket);
    }

    private void startAccepting(ServerSocket socket) {
        Thread acceptor = new Thread(() -> accept(socket), "black-hole-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** From now on, nothing gets through: existing connections are lost for good. */
    void blackHole() {
        holeOpen = true;
    }

    /** New connections get through again; the ones caught in the hole stay lost. */
    void restore() {
        holeOpen = false;
    }

    private void accept(ServerSocket socket) {
        while (!closed && !socket.isClosed()) {
            try {
                Socket client = socket.accept();
                sockets.add(client);
                if (holeOpen) {
                    continue; // accepted by the kernel, never answered
                }
                Socket server = new Socket();
                try {
                    server.connect(target, 2000);
                } catch (IOException refused) {
                    client.close(); // the server is gone: do not leave the client hanging
                    continue;
                }
                sockets.add(server);
                boolean[] lost = { false };
                pump(client, server, lost);
                pump(server, client, lost);
            } catch (IOException e) {
                if (closed || socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Copies bytes one way until EOF; once the hole opens, this connection's bytes are dropped forever. */
    private void pump(Socket from, Socket to, boolean[] lost) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (holeOpen) {
                        lost[0] = true;
                    }
                    if (!lost[0]) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the other side went away
            } finally {
                if (!lost[0]) {
                    // Pass the end on gracefully (FIN after the last bytes, such as the server's
                    // FATAL message), as a direct connection would; a plain close could send RST
                    // and lose them.
                    try {
                        to.shutdownOutput();
                    } catch (IOException e) {
                        closeQuietly(to);
                    }
                    closeQuietly(from);
                }
            }
        }, "black-hole-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(BlackHoleProxy::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
