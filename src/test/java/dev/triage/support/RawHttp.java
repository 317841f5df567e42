package dev.triage.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a plain socket, for requests that HTTP client libraries refuse to send (no Host,
 * a bad percent-encoding, a broken chunk, a 70 KiB request line) and to see exactly what the
 * server answers. One request per connection ({@code Connection: close} unless told otherwise).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** What came back: the status (0 when the server closed without answering), headers and body. */
    public record Reply(int status, String statusLine, Map<String, String> headers, String body, String failure) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean answered() {
            return status > 0;
        }

        public boolean isProblem() {
            String type = header("content-type");
            return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/problem+json");
        }
    }

    /** A request as bytes: the head as written, then the body. */
    public record Request(String method, String target, String version, List<String> headers, byte[] body,
            boolean chunked, int chunkSize) {

        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                for (int i = 0; i < body.length; i += chunkSize) {
                    int n = Math.min(chunkSize, body.length - i);
                    out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body, i, n);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }
    }

    /** Sends bytes as they are and reads the answer until the server closes or the timeout. */
    public static Reply send(int port, byte[] request, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            String failure = null;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading everything (a 413): read what it said.
                failure = "write: " + e.getMessage();
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    received.write(buffer, 0, n);
                    if (received.size() > 4_000_000) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                failure = (failure == null ? "" : failure + "; ") + "read timed out";
            } catch (IOException e) {
                failure = (failure == null ? "" : failure + "; ") + "read: " + e.getMessage();
            }
            return parse(received.toByteArray(), failure);
        } catch (IOException e) {
            return new Reply(0, "", Map.of(), "", "connect: " + e.getMessage());
        }
    }

    static Reply parse(byte[] raw, String failure) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || end < 0) {
            return new Reply(0, "", Map.of(), text, failure == null ? "no answer" : failure);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status;
        try {
            status = Integer.parseInt(lines[0].split(" ")[1]);
        } catch (RuntimeException e) {
            return new Reply(0, lines[0], Map.of(), text, "unparsable status line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        byte[] bodyBytes = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            bodyBytes = dechunk(bodyBytes);
        }
        return new Reply(status, lines[0], headers, new String(bodyBytes, StandardCharsets.UTF_8), failure);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, i);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size;
            try {
                size = Integer.parseInt(sizeText, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(body, start, Math.min(size, body.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Builds requests; every request starts from {@link #defaults}. */
    public static final class Builder {
        private String method = "GET";
        private String target = "/";
        private String version = "HTTP/1.1";
        private final List<String> headers = new ArrayList<>();
        private byte[] body = new byte[0];
        private boolean chunked;
        private int chunkSize = 8192;
        private boolean contentLength = true;

        public Builder method(String value) {
            this.method = value;
            return this;
        }

        public Builder target(String value) {
            this.target = value;
            return this;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        public Builder header(String line) {
            headers.add(line);
            return this;
        }

        public Builder headers(List<String> lines) {
            headers.addAll(lines);
            return this;
        }

        public Builder withoutHeader(String name) {
            headers.removeIf(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1));
            return this;
        }

        public Builder body(byte[] value) {
            this.body = value;
            return this;
        }

        public Builder body(String value) {
            return body(value.getBytes(StandardCharsets.UTF_8));
        }

        public Builder chunked(int size) {
            this.chunked = true;
            this.chunkSize = size;
            return this;
        }

        /** Leaves Content-Length out (for bodies sent with a hand-written framing). */
        public Builder noContentLength() {
            this.contentLength = false;
            return this;
        }

        public Request build() {
            List<String> all = new ArrayList<>(headers);
            if (chunked) {
                all.add("Transfer-Encoding: chunked");
            } else if (contentLength && (body.length > 0 || method.equals("POST") || method.equals("PUT")
                    || method.equals("PATCH"))) {
                all.add("Content-Length: " + body.length);
            }
            return new Request(method, target, version, all, body, chunked, chunkSize);
        }
    }
}
