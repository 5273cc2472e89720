package dev.svd.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The one check a probe makes: an HTTP(S) request, a TCP connect, a command, or (readiness only) a notification. */
public sealed interface ProbeCheck {
    /**
     * GET {@code url} with the Host header {@code host} (default: the URL's host), connecting to
     * {@code connectTo} ("127.0.0.1:8443") whatever the URL's host resolves to: the
     * {@code curl --resolve} check for hosts without hairpin NAT.
     */
    record Http(URI url, Optional<String> host, List<StatusRange> expect, Optional<String> bodyContains, Tls tls,
                Optional<HostPort> connectTo) implements ProbeCheck {
        public Http {
            expect = List.copyOf(expect);
        }
    }

    /** Connects to {@code address}; success once the connection is accepted. */
    record Tcp(HostPort address) implements ProbeCheck {}

    /** Runs {@code command} in the service's directory and environment; exit 0 is healthy. */
    record Exec(List<String> command) implements ProbeCheck {
        public Exec {
            command = List.copyOf(command);
        }
    }

    /**
     * No polling: the service is ready when it sends {@code READY=1} to its {@code NOTIFY_SOCKET}
     * (sd_notify(3); {@code ready { notify = true }}, docs/notify.md).
     */
    record Notify() implements ProbeCheck {}

    /** TLS settings of an https probe: verify the chain and name (against {@code sni}), with an extra CA. */
    record Tls(boolean verify, Optional<Path> caFile, Optional<String> sni) {
        public static final Tls DEFAULT = new Tls(true, Optional.empty(), Optional.empty());
    }

    /** Inclusive range of expected HTTP status codes ({@code 200-399} or {@code 204}). */
    record StatusRange(int from, int to) {
        public boolean contains(int status) {
            return status >= from && status <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    /** "127.0.0.1:8000", "[::1]:8443", "localhost:80". */
    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }
}
