package dev.svd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
