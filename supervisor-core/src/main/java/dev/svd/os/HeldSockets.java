package dev.svd.os;

import dev.svd.config.SocketSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets svd holds for its services (docs/sockets.md): bound before a service's first
 * start, kept across its restarts and crashes, closed when the service is removed by {@code update}
 * or svd exits. The engine thread binds and closes; spawn threads read the descriptors; readers
 * ({@code svctl status}) get an immutable published view. Thread-safe.
 */
public final class HeldSockets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeldSockets.class);

    /** One held socket: its address, its name, a descriptor (svd's here; the service's in ServiceControl#sockets). */
    public record Held(String listen, String name, int fd) {}

    private final Map<String, List<ListeningSocket>> held = new LinkedHashMap<>(); // guarded by this
    private volatile Map<String, List<Held>> published = Map.of();

    /**
     * Binds each of {@code specs} that {@code service} does not hold yet. All or nothing: when one
     * cannot be bound, those bound by this call are closed again and the rest stay as they were.
     *
     * @throws SpawnException naming the address and the kernel's reason
     */
    public synchronized void hold(String service, List<SocketSpec> specs) throws SpawnException {
        List<ListeningSocket> have = held.getOrDefault(service, List.of());
        List<ListeningSocket> added = new ArrayList<>();
        try {
            for (SocketSpec spec : specs) {
                if (find(have, spec) == null && find(added, spec) == null) {
                    added.add(ListeningSocket.open(spec));
                }
            }
        } catch (SpawnException | RuntimeException e) {
            added.forEach(ListeningSocket::close);
            throw e;
        }
        if (!added.isEmpty()) {
            List<ListeningSocket> all = new ArrayList<>(have);
            all.addAll(added);
            held.put(service, all);
            added.forEach(s -> log.info("{}: listening on {} (held by svd, fd {})", service, s.spec().listen(), s.fd()));
            publish();
        }
    }

    /** Closes what {@code service} holds and {@code specs} no longer declares (all of it for an empty list). */
    public synchronized void retain(String service, List<SocketSpec> specs) {
        List<ListeningSocket> have = held.getOrDefault(service, List.of());
        List<ListeningSocket> kept = new ArrayList<>();
        for (ListeningSocket s : have) {
            if (specs.stream().anyMatch(s.spec()::sameBinding)) {
                kept.add(s);
            } else {
                s.close();
                log.info("{}: closed its socket {}", service, s.spec().listen());
            }
        }
        if (kept.isEmpty()) {
            held.remove(service);
        } else {
            held.put(service, kept);
        }
        if (kept.size() != have.size()) {
            publish();
        }
    }

    /** Closes every socket of {@code service}. */
    public void release(String service) {
        retain(service, List.of());
    }

    /** svd's descriptors for {@code specs}, in their order; each must be held ({@link #hold}). */
    public synchronized List<Integer> descriptors(String service, List<SocketSpec> specs) throws SpawnException {
        List<ListeningSocket> have = held.getOrDefault(service, List.of());
        List<Integer> fds = new ArrayList<>();
        for (SocketSpec spec : specs) {
            ListeningSocket s = find(have, spec);
            if (s == null) {
                throw new SpawnException("cannot listen on " + spec.listen() + ": svd does not hold this socket"
                        + " (it was closed by an update)");
            }
            fds.add(s.fd());
        }
        return fds;
    }

    /** What each service holds now, names as declared by the spec it was bound for. Any thread. */
    public Map<String, List<Held>> view() {
        return published;
    }

    private static ListeningSocket find(List<ListeningSocket> sockets, SocketSpec spec) {
        for (ListeningSocket s : sockets) {
            if (s.spec().sameBinding(spec)) {
                return s;
            }
        }
        return null;
    }

    private void publish() {
        Map<String, List<Held>> view = new LinkedHashMap<>();
        held.forEach((service, sockets) -> view.put(service,
                sockets.stream().map(s -> new Held(s.spec().listen(), s.spec().name(), s.fd())).toList()));
        published = java.util.Collections.unmodifiableMap(view);
    }

    /** Closes every socket (svd is exiting). */
    @Override
    public synchronized void close() {
        held.values().forEach(list -> list.forEach(ListeningSocket::close));
        held.clear();
        publish();
    }
}
