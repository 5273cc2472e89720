package dev.svd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.svd.lifecycle.ServiceSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedSnapshotsTest {
    @Test
    void isACopyInTheEnginesOrderThatLaterChangesDoNotReach() {
        Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
        ServiceSnapshot b = ServiceSnapshot.initial("b");
        ServiceSnapshot a = ServiceSnapshot.initial("a");
        services.put("b", b);
        services.put("a", a);
        PublishedSnapshots first = PublishedSnapshots.of(services, PublishedSnapshots.EMPTY);
        services.put("a", ServiceSnapshot.initial("a"));
        services.remove("b");

        assertEquals(List.of("b", "a"), List.copyOf(first.keySet()));
        assertEquals(List.of(b, a), List.copyOf(first.values()));
        assertSame(a, first.get("a"));
        assertEquals(Map.of("b", b, "a", a), first);
    }

    @Test
    void aNewPublicationFollowsAddedAndRemovedServices() {
        Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
        services.put("a", ServiceSnapshot.initial("a"));
        services.put("b", ServiceSnapshot.initial("b"));
        PublishedSnapshots first = PublishedSnapshots.of(services, PublishedSnapshots.EMPTY);
        ServiceSnapshot b2 = ServiceSnapshot.initial("b");
        services.put("b", b2);
        PublishedSnapshots same = PublishedSnapshots.of(services, first);
        services.remove("a");
        ServiceSnapshot c = ServiceSnapshot.initial("c");
        services.put("c", c);
        PublishedSnapshots renamed = PublishedSnapshots.of(services, same);

        assertSame(b2, same.get("b"));
        assertSame(b2, renamed.get("b"));
        assertSame(c, renamed.get("c"));
        assertNull(renamed.get("a"));
        assertFalse(renamed.containsKey("a"));
        assertEquals(List.of("b", "c"), List.copyOf(renamed.keySet()));
        assertEquals(2, renamed.size());
    }

    /**
     * Issue 16: a publication from the engine's {@link ServiceMap} copies the previous one and
     * replaces only the snapshots put since; whatever the engine did in between (replaced
     * snapshots, services added or removed, several changes or none), it equals a copy of every
     * service, in order, with the very snapshot objects.
     */
    @Test
    void aPublicationOfOnlyTheReplacedSnapshotsEqualsACopyOfEveryService() {
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        ServiceMap services = new ServiceMap();
        PublishedSnapshots published = PublishedSnapshots.EMPTY;
        int next = 0;
        for (int step = 0; step < 5000; step++) {
            int op = random.nextInt(10);
            List<String> names = List.copyOf(services.keySet());
            if (op == 0 || names.isEmpty()) {
                String name = "s" + next++;
                services.put(name, ServiceSnapshot.initial(name));
            } else if (op == 1) {
                services.remove(names.get(random.nextInt(names.size())));
            } else if (op == 2) {
                // Map's defaults go through put and remove, so they are noted too
                String name = names.get(random.nextInt(names.size()));
                services.compute(name, (k, old) -> ServiceSnapshot.initial(k));
            } else if (op == 3) {
                String name = "s" + next++;
                services.putIfAbsent(name, ServiceSnapshot.initial(name));
            } else if (op < 6) {
                String name = names.get(random.nextInt(names.size()));
                services.put(name, ServiceSnapshot.initial(name));
            } else {
                published = PublishedSnapshots.of(services, published);
                assertEquals(List.copyOf(services.keySet()), List.copyOf(published.keySet()), "seed " + seed + ", step " + step);
                List<ServiceSnapshot> expected = List.copyOf(services.values());
                List<ServiceSnapshot> actual = List.copyOf(published.values());
                for (int i = 0; i < expected.size(); i++) {
                    assertSame(expected.get(i), actual.get(i), "seed " + seed + ", step " + step + ", service " + i);
                    assertSame(expected.get(i), published.get(names(services).get(i)), "seed " + seed + ", step " + step);
                }
            }
        }
    }

    /** A change past put/remove/clear would not be noted, so the views refuse it. */
    @Test
    void theServiceMapsViewsCannotChangeIt() {
        ServiceMap services = new ServiceMap();
        services.put("a", ServiceSnapshot.initial("a"));
        services.put("b", ServiceSnapshot.initial("b"));
        Map.Entry<String, ServiceSnapshot> first = services.entrySet().iterator().next();
        assertThrows(UnsupportedOperationException.class, () -> first.setValue(ServiceSnapshot.initial("a")));
        assertThrows(UnsupportedOperationException.class, () -> services.keySet().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> services.replaceAll((k, v) -> v));
        assertEquals(List.of("a", "b"), List.copyOf(services.keySet()));
    }

    private static List<String> names(Map<String, ServiceSnapshot> services) {
        return List.copyOf(services.keySet());
    }
}
