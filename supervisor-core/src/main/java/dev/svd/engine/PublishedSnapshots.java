package dev.svd.engine;

import dev.svd.lifecycle.ServiceSnapshot;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The engine's published snapshots: an immutable map in the engine's service order, made by
 * {@link #of} once per state change. Two arrays (names, snapshots) and a name index that is shared
 * with the previous publication while the service names are the same: publishing copies two
 * arrays of references instead of building a new hash map of every service, which at 2,000
 * services (two publications per service started or stopped) was a third of the engine's CPU time
 * (docs/benchmarks.md, "Scale"). Read from any thread; never changed after {@link #of}.
 */
final class PublishedSnapshots extends AbstractMap<String, ServiceSnapshot> {
    static final PublishedSnapshots EMPTY = new PublishedSnapshots(new String[0], new ServiceSnapshot[0], Map.of());

    private final String[] names;
    private final ServiceSnapshot[] snapshots;
    private final Map<String, Integer> index;

    private PublishedSnapshots(String[] names, ServiceSnapshot[] snapshots, Map<String, Integer> index) {
        this.names = names;
        this.snapshots = snapshots;
        this.index = index;
    }

    /**
     * A copy of {@code services} (engine thread): {@code previous} with the snapshots of the services
     * {@link ServiceMap#takeReplaced} names replaced, when it names them; else every service read.
     */
    static PublishedSnapshots of(ServiceMap services, PublishedSnapshots previous) {
        List<String> replaced = services.takeReplaced();
        if (replaced != null && services.size() == previous.names.length) {
            ServiceSnapshot[] snapshots = previous.snapshots.clone();
            for (String name : replaced) {
                snapshots[previous.index.get(name)] = services.get(name);
            }
            return new PublishedSnapshots(previous.names, snapshots, previous.index);
        }
        return of((Map<String, ServiceSnapshot>) services, previous);
    }

    /** A copy of {@code services} (engine thread), reusing {@code previous}'s index when the names are the same. */
    static PublishedSnapshots of(Map<String, ServiceSnapshot> services, PublishedSnapshots previous) {
        int n = services.size();
        String[] names = new String[n];
        ServiceSnapshot[] snapshots = new ServiceSnapshot[n];
        int i = 0;
        for (Map.Entry<String, ServiceSnapshot> e : services.entrySet()) {
            names[i] = e.getKey();
            snapshots[i] = e.getValue();
            i++;
        }
        if (Arrays.equals(names, previous.names)) {
            return new PublishedSnapshots(previous.names, snapshots, previous.index);
        }
        Map<String, Integer> index = new HashMap<>(n * 4 / 3 + 1);
        for (int k = 0; k < n; k++) {
            index.put(names[k], k);
        }
        return new PublishedSnapshots(names, snapshots, Collections.unmodifiableMap(index));
    }

    @Override
    public ServiceSnapshot get(Object name) {
        Integer i = index.get(name);
        return i == null ? null : snapshots[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return index.containsKey(name);
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Collection<ServiceSnapshot> values() {
        return Collections.unmodifiableList(Arrays.asList(snapshots));
    }

    @Override
    public Set<Entry<String, ServiceSnapshot>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, ServiceSnapshot>> iterator() {
                return new Iterator<>() {
                    private int at;

                    @Override
                    public boolean hasNext() {
                        return at < names.length;
                    }

                    @Override
                    public Entry<String, ServiceSnapshot> next() {
                        if (at >= names.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, ServiceSnapshot> e = new SimpleImmutableEntry<>(names[at], snapshots[at]);
                        at++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
