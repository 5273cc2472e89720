package dev.svd.health;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.Origin;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Probe specs and a result collector for tests. */
final class Probes {
    private Probes() {
    }

    static ProbeSpec spec(ProbeCheck check, Duration interval, Duration timeout) {
        return new ProbeSpec(check, interval, timeout, Duration.ZERO, 1, 1, Duration.ofSeconds(60), Duration.ZERO, Origin.UNKNOWN);
    }

    static ProbeCheck.Http http(String url) {
        return new ProbeCheck.Http(URI.create(url), Optional.empty(), List.of(new ProbeCheck.StatusRange(200, 399)),
                Optional.empty(), ProbeCheck.Tls.DEFAULT, Optional.empty());
    }

    /** Collects results; the sink is called on the probe thread, tests read on theirs. */
    static final class Results implements Consumer<ProbeResult> {
        final List<ProbeResult> all = new CopyOnWriteArrayList<>();

        @Override
        public void accept(ProbeResult r) {
            all.add(r);
        }

        ProbeResult last() {
            return all.get(all.size() - 1);
        }

        int size() {
            return all.size();
        }
    }
}
