package dev.svd.config;

import java.net.InetSocketAddress;

/**
 * The {@code svd.http { ... }} block: svd's opt-in HTTP listener for {@code /metrics}, {@code /healthz}
 * and {@code /readyz} (docs/metrics.md). Absent block: no listener, nothing bound.
 *
 * @param host the address to bind, loopback unless the operator names another
 * @param port the TCP port
 */
public record HttpSpec(String host, int port) {
    static final String EXAMPLE = "\"127.0.0.1:9321\"";

    /** The address to bind; resolves {@code host} (a literal address or a name). */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    static HttpSpec read(ConfigReader r) {
        r.rejectUnknownKeys(java.util.List.of("listen"));
        String listen = r.string("listen", EXAMPLE).orElse("127.0.0.1:9321");
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? "" : listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            r.problem("listen", "expected HOST:PORT such as " + EXAMPLE + " with a port from 1 to 65535 (was \""
                    + listen + "\")");
            return new HttpSpec("127.0.0.1", 9321);
        }
        return new HttpSpec(host, port);
    }
}
