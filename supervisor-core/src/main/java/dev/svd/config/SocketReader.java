package dev.svd.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a service's {@code sockets} list and {@code sockets-env} (docs/sockets.md). Addresses are IP
 * literals: svd binds before any name service may be up, and a name resolving to several addresses
 * would be several sockets. Used by one thread.
 */
final class SocketReader {
    static final List<String> KEYS = List.of("listen", "name", "backlog", "mode", "owner", "group");
    static final String EXAMPLE = "[{ listen = \"127.0.0.1:8000\", name = app }]";
    /** At most this many per service: svd keeps its copies at fd 256 and up, and passes them at 3, 4, ... */
    static final int MAX_PER_SERVICE = 64;
    /** systemd.socket(5) FileDescriptorName=: at most 255 characters. */
    static final int MAX_NAME = 255;
    /** sockaddr_un's sun_path holds 108 bytes with the closing NUL (unix(7)). */
    static final int MAX_PATH_BYTES = 107;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HOST_PORT = Pattern.compile("(.*):([0-9]+)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    private static final Map<String, SocketAnnounce> ANNOUNCE = new LinkedHashMap<>();

    static {
        for (SocketAnnounce a : SocketAnnounce.values()) {
            ANNOUNCE.put(a.configName(), a);
        }
    }

    private final HostChecks host;

    SocketReader(HostChecks host) {
        this.host = host;
    }

    SocketAnnounce announce(ConfigReader service, SocketAnnounce fallback) {
        return service.choice("sockets-env", ANNOUNCE, fallback);
    }

    /** {@code sockets}; the default name of each is the service's name, as systemd names a socket unit's fds after it. */
    List<SocketSpec> read(ConfigReader service, String serviceName) {
        List<ConfigReader> entries = service.objectList("sockets", EXAMPLE);
        if (entries.size() > MAX_PER_SERVICE) {
            service.problem("sockets", "at most " + MAX_PER_SERVICE + " sockets per service (this one has "
                    + entries.size() + ")");
        }
        List<SocketSpec> sockets = new ArrayList<>();
        for (ConfigReader r : entries) {
            socket(r, serviceName).ifPresent(s -> {
                sockets.stream().filter(o -> o.listen().equals(s.listen())).findFirst().ifPresentOrElse(
                        o -> r.problem("listen", "\"" + s.listen() + "\" is listed twice in this service"),
                        () -> sockets.add(s));
            });
        }
        return sockets;
    }

    private Optional<SocketSpec> socket(ConfigReader r, String serviceName) {
        r.rejectUnknownKeys(KEYS);
        Optional<String> listen = r.string("listen", "\"127.0.0.1:8000\", \"[::1]:8000\" or \"/run/app.sock\"");
        if (listen.isEmpty()) {
            if (!r.has("listen")) {
                r.problem("listen", "missing: every socket needs an address such as \"127.0.0.1:8000\","
                        + " \"[::1]:8000\" or \"/run/app.sock\"");
            }
            return Optional.empty();
        }
        String name = r.string("name", "app").orElse(serviceName);
        nameProblem(name).ifPresent(m -> r.problem("name", m));
        int backlog = r.integer("backlog", SocketSpec.DEFAULT_BACKLOG, 1);
        String text = listen.get();
        if (text.startsWith("/")) {
            return unix(r, text, name, backlog);
        }
        for (String key : List.of("mode", "owner", "group")) {
            if (r.has(key)) {
                r.problem(key, "only for a Unix socket (listen = \"/run/app.sock\"), not for " + text);
            }
        }
        return tcp(r, text).map(a -> new SocketSpec(text, a.family, a.address, a.port, Optional.empty(), name, backlog,
                SocketSpec.DEFAULT_MODE, Optional.empty(), Optional.empty(), r.originOf("listen")));
    }

    private record Inet(SocketSpec.Family family, String address, int port) {}

    private static Optional<Inet> tcp(ConfigReader r, String text) {
        Matcher m = HOST_PORT.matcher(text);
        String expected = "expected host:port with an IP address, such as \"127.0.0.1:8000\", \"0.0.0.0:80\","
                + " \"[::1]:8000\" or \"[::]:443\", or an absolute path such as \"/run/app.sock\" (was \"" + text + "\")";
        if (!m.matches()) {
            r.problem("listen", expected);
            return Optional.empty();
        }
        String host = m.group(1);
        int port;
        try {
            port = Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            r.problem("listen", "the port must be 1 to 65535 (was \"" + m.group(2) + "\" in \"" + text + "\")");
            return Optional.empty();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            String v6 = host.substring(1, host.length() - 1);
            if (!v6.contains(":") || !IPV6.matcher(v6).matches() || !validIpv6(v6)) {
                r.problem("listen", "\"" + v6 + "\" is not an IPv6 address (" + expected + ")");
                return Optional.empty();
            }
            return Optional.of(new Inet(SocketSpec.Family.INET6, v6, port));
        }
        Matcher v4 = IPV4.matcher(host);
        boolean valid = v4.matches();
        for (int i = 1; valid && i <= 4; i++) {
            valid = Integer.parseInt(v4.group(i)) <= 255;
        }
        if (!valid) {
            r.problem("listen", (host.contains(":") ? "an IPv6 address goes in brackets, such as \"[::1]:8000\" ("
                    : "svd listens on IP addresses, not names (") + expected + ")");
            return Optional.empty();
        }
        return Optional.of(new Inet(SocketSpec.Family.INET, host, port));
    }

    /** Parsed without any lookup: the text is all colons, hex digits and maybe a dotted IPv4 tail. */
    private static boolean validIpv6(String text) {
        try {
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private Optional<SocketSpec> unix(ConfigReader r, String text, String name, int backlog) {
        if (FileNames.path(text).isEmpty()) {
            r.problem("listen", FileNames.unusable(text));
            return Optional.empty();
        }
        Path path = Path.of(text).normalize();
        if (!path.toString().equals(text) || text.endsWith("/")) {
            r.problem("listen", "expected a plain absolute path such as \"/run/app.sock\" (was \"" + text + "\")");
            return Optional.empty();
        }
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            r.problem("listen", "a Unix socket path has at most " + MAX_PATH_BYTES + " bytes (unix(7)); this one has "
                    + text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            return Optional.empty();
        }
        int mode = SocketSpec.DEFAULT_MODE;
        Optional<String> modeText = r.string("mode", "\"0660\"");
        if (modeText.isPresent()) {
            if (MODE.matcher(modeText.get()).matches()) {
                mode = Integer.parseInt(modeText.get(), 8);
            } else {
                r.problem("mode", "expected an octal file mode such as \"0660\" (was \"" + modeText.get() + "\")");
            }
        }
        Optional<String> owner = r.string("owner", "\"www-data\"");
        owner.flatMap(host::userProblem).ifPresent(m -> r.problem("owner", m));
        Optional<String> group = r.string("group", "\"www-data\"");
        group.filter(g -> g.isEmpty() || g.contains(":")).ifPresent(g -> r.problem("group",
                "expected a group name or gid (was \"" + g + "\")"));
        return Optional.of(new SocketSpec(text, SocketSpec.Family.UNIX, "", 0, Optional.of(path), name, backlog, mode,
                owner, group, r.originOf("listen")));
    }

    /**
     * systemd.socket(5) FileDescriptorName=: ASCII without control characters and without ":" (the
     * separator of LISTEN_FDNAMES), at most 255 characters.
     */
    static Optional<String> nameProblem(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return Optional.of("a socket name has 1 to " + MAX_NAME + " characters (systemd's FileDescriptorName=)");
        }
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == ':') {
                return Optional.of("a socket name is printable ASCII without \":\", which separates the names in"
                        + " LISTEN_FDNAMES (was \"" + name + "\")");
            }
        }
        return Optional.empty();
    }

    /**
     * Two services cannot listen on one address: the second bind(2) would fail with "Address already in
     * use". Also caught: a wildcard address (0.0.0.0, ::) and a specific one on the same port and family.
     */
    static void checkAcrossServices(Map<String, ServiceSpec> services, Problems problems) {
        List<SocketSpec> seen = new ArrayList<>();
        Map<SocketSpec, String> owners = new java.util.IdentityHashMap<>();
        for (ServiceSpec service : services.values()) {
            for (int i = 0; i < service.sockets().size(); i++) {
                SocketSpec s = service.sockets().get(i);
                for (SocketSpec o : seen) {
                    if (owners.get(o).equals(service.name())) {
                        continue; // within one service: reported by read
                    }
                    if (overlap(s, o)) {
                        problems.add(s.origin(), "services." + service.name() + ".sockets[" + i + "].listen",
                                "\"" + s.listen() + "\" is also a socket of service " + owners.get(o) + " (" + o.listen()
                                        + ", " + o.origin() + "): two services cannot listen on one address");
                        break;
                    }
                }
                seen.add(s);
                owners.put(s, service.name());
            }
        }
    }

    private static boolean overlap(SocketSpec a, SocketSpec b) {
        if (a.family() != b.family()) {
            return false;
        }
        if (a.family() == SocketSpec.Family.UNIX) {
            return a.path().equals(b.path());
        }
        if (a.port() != b.port()) {
            return false;
        }
        byte[] x = numeric(a.address());
        byte[] y = numeric(b.address());
        return java.util.Arrays.equals(x, y) || wildcard(x) || wildcard(y);
    }

    /** An IP literal's bytes; parsing a literal makes no lookup. */
    private static byte[] numeric(String literal) {
        try {
            return java.net.InetAddress.getByName(literal).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("checked when read: " + literal, e);
        }
    }

    private static boolean wildcard(byte[] address) {
        for (byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
