package dev.svd.engine;

import dev.svd.lifecycle.ServiceSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The engine's service snapshots in config order, noting which services' snapshots were replaced
 * since the last publication, so that {@link PublishedSnapshots#of} copies the previous publication
 * and replaces those instead of reading every service (at 2,000 services, two publications per
 * service started or stopped: docs/benchmarks.md, "Scale"). An added or removed service, or any
 * change made other than by {@link #put} of a known name, makes the next publication read all.
 * Engine thread only.
 */
final class ServiceMap extends LinkedHashMap<String, ServiceSnapshot> {
    private final List<String> replaced = new ArrayList<>();
    private boolean readAll = true;

    @Override
    public ServiceSnapshot put(String name, ServiceSnapshot snapshot) {
        ServiceSnapshot old = super.put(name, snapshot);
        if (old == null) {
            readAll = true;
        } else if (!readAll) {
            replaced.add(name);
        }
        return old;
    }

    @Override
    public ServiceSnapshot remove(Object name) {
        readAll = true;
        return super.remove(name);
    }

    @Override
    public void putAll(Map<? extends String, ? extends ServiceSnapshot> m) {
        readAll = true;
        super.putAll(m);
    }

    @Override
    public ServiceSnapshot putIfAbsent(String name, ServiceSnapshot snapshot) {
        readAll = true;
        return super.putIfAbsent(name, snapshot);
    }

    @Override
    public ServiceSnapshot replace(String name, ServiceSnapshot snapshot) {
        readAll = true;
        return super.replace(name, snapshot);
    }

    @Override
    public ServiceSnapshot compute(String name,
            BiFunction<? super String, ? super ServiceSnapshot, ? extends ServiceSnapshot> f) {
        readAll = true;
        return super.compute(name, f);
    }

    @Override
    public ServiceSnapshot computeIfAbsent(String name, Function<? super String, ? extends ServiceSnapshot> f) {
        readAll = true;
        return super.computeIfAbsent(name, f);
    }

    @Override
    public ServiceSnapshot computeIfPresent(String name,
            BiFunction<? super String, ? super ServiceSnapshot, ? extends ServiceSnapshot> f) {
        readAll = true;
        return super.computeIfPresent(name, f);
    }

    @Override
    public ServiceSnapshot merge(String name, ServiceSnapshot snapshot,
            BiFunction<? super ServiceSnapshot, ? super ServiceSnapshot, ? extends ServiceSnapshot> f) {
        readAll = true;
        return super.merge(name, snapshot, f);
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super ServiceSnapshot, ? extends ServiceSnapshot> f) {
        readAll = true;
        super.replaceAll(f);
    }

    @Override
    public void clear() {
        readAll = true;
        super.clear();
    }

    /**
     * The services whose snapshots were replaced since the last call, or null when the next
     * publication must read every service; starts noting anew.
     */
    List<String> takeReplaced() {
        List<String> out = readAll ? null : List.copyOf(replaced);
        replaced.clear();
        readAll = false;
        return out;
    }
}
