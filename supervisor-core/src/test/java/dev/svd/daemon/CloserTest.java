package dev.svd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {
    @Test
    void closesInReverseOrderOfRegistrationAndGoesOnAfterAFailure() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.register(() -> closed.add("processes"));
        closer.register(() -> {
            closed.add("engine");
            throw new IllegalStateException("engine would not close");
        });
        closer.register(() -> closed.add("control"));
        Exception cause = new Exception("cannot listen");

        Exception thrown = closer.closeAfter(cause);

        assertThat(thrown).isSameAs(cause);
        assertThat(closed).containsExactly("control", "engine", "processes");
        assertThat(cause.getSuppressed()).singleElement()
                .satisfies(e -> assertThat(e).hasMessage("engine would not close"));
    }

    @Test
    void closesEachPartOnce() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.register(() -> closed.add("jobs"));
        closer.closeAfter(new Exception("first"));
        closer.closeAfter(new Exception("second"));
        assertThat(closed).containsExactly("jobs");
    }
}
