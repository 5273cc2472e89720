package dev.svd.engine;

import dev.svd.lifecycle.ServiceSnapshot;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's service snapshots in config order, noting which services' snapshots were replaced
 * since the last publication, so that {@link PublishedSnapshots#of} copies the previous publication
 * and replaces those instead of reading every service (at 2,000 services, two publications per
 * service started or stopped: docs/benchmarks.md, "Scale"). An added or removed service makes the
 * next publication read all. Every change goes through {@link #put}, {@link #remove} or
 * {@link #clear} (the Map defaults such as putIfAbsent and compute call them); the views cannot
 * change the map. Engine thread only.
 */
final class ServiceMap extends AbstractMap<String, ServiceSnapshot> {
    private final Map<String, ServiceSnapshot> snapshots = new LinkedHashMap<>();
    // Views that cannot change the map: a change made past put/remove/clear (an entry's setValue,
    // a view's remove) would not be noted, so it fails instead.
    private final Set<Entry<String, ServiceSnapshot>> entries = Collections.unmodifiableMap(snapshots).entrySet();
    private final List<String> replaced = new ArrayList<>();
    private boolean readAll = true;

    @Override
    public ServiceSnapshot get(Object name) {
        return snapshots.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return snapshots.containsKey(name);
    }

    @Override
    public int size() {
        return snapshots.size();
    }

    @Override
    public ServiceSnapshot put(String name, ServiceSnapshot snapshot) {
        ServiceSnapshot old = snapshots.put(name, snapshot);
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
        return snapshots.remove(name);
    }

    @Override
    public void clear() {
        readAll = true;
        snapshots.clear();
    }

    @Override
    public Set<Entry<String, ServiceSnapshot>> entrySet() {
        return entries;
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
