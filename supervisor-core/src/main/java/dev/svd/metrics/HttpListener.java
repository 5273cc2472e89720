package dev.svd.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal HTTP/1.1 server for svd's few GET endpoints: one thread blocked in accept(2), one request
 * per connection ({@code Connection: close}), served in turn. The JDK's com.sun.net.httpserver would do
 * it too, but its dispatcher thread wakes every second while idle (docs/benchmarks.md, "Metrics
 * listener"); a thread blocked in accept costs nothing until a scraper connects. A client gets
 * {@link #READ_TIMEOUT_MS} to send its request head of at most {@link #MAX_HEAD} bytes.
 */
final class HttpListener implements AutoCloseable {
    static final int MAX_HEAD = 8192;
    static final int READ_TIMEOUT_MS = 5000;
    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

    /** A parsed request: method, path (without query) and the Accept header ("" when absent). */
    record Request(String method, String path, String accept) {}

    /** An answer to send. */
    record Response(int status, String contentType, byte[] body) {
        static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    interface Handler {
        Response handle(Request request) throws IOException;
    }

    private final ServerSocket server;
    private final Thread thread;
    private final Handler handler;

    HttpListener(InetSocketAddress address, Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address, 16);
        this.thread = new Thread(this::serve, "svd-http");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                client.setSoTimeout(READ_TIMEOUT_MS);
                exchange(client);
            } catch (SocketException | SocketTimeoutException e) {
                if (server.isClosed()) {
                    return;
                }
                log.debug("svd: HTTP client dropped: {}", e.toString());
            } catch (IOException | RuntimeException e) {
                if (server.isClosed()) {
                    return;
                }
                log.warn("svd: HTTP request failed", e);
            }
        }
    }

    private void exchange(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        String head = readHead(in);
        Response response;
        String method = "";
        if (head == null) {
            response = Response.text(431, "request head larger than " + MAX_HEAD + " bytes\n");
        } else {
            Request request = parse(head);
            if (request == null) {
                response = Response.text(400, "not an HTTP/1.x request\n");
            } else {
                method = request.method();
                response = handler.handle(request);
            }
        }
        write(client.getOutputStream(), response, method.equals("HEAD"));
    }

    /**
     * The bytes up to the blank line that ends the head (CRLF CRLF, or LF LF from lenient clients), or up to
     * the end of the stream; null when the head is longer than MAX_HEAD.
     */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int tail = 0; // the last four bytes
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            tail = (tail << 8) | b;
            if (tail == 0x0d0a0d0a || (tail & 0xffff) == 0x0a0a) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** The request line and the Accept header of {@code head}; null when it is not an HTTP/1.x request. */
    static Request parse(String head) {
        String[] lines = head.split("\r?\n");
        if (lines.length == 0) {
            return null;
        }
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
            return null;
        }
        String accept = "";
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("accept")) {
                accept = lines[i].substring(colon + 1).trim();
            }
        }
        String path = requestLine[1];
        int query = path.indexOf('?');
        return new Request(requestLine[0], query < 0 ? path : path.substring(0, query), accept);
    }

    private static void write(OutputStream out, Response r, boolean head) throws IOException {
        String header = "HTTP/1.1 " + r.status() + " " + reason(r.status()) + "\r\nContent-Type: " + r.contentType()
                + "\r\nContent-Length: " + r.body().length + "\r\n"
                + (r.status() == 405 ? "Allow: GET, HEAD\r\n" : "") + "Connection: close\r\n\r\n";
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(r.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    @Override
    public void close() {
        try {
            server.close(); // accept() ends with a SocketException; serve() returns
        } catch (IOException e) {
            log.debug("svd: closing the HTTP listener: {}", e.toString());
        }
    }
}
