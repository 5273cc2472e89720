package dev.svd.daemon;

import dev.svd.config.LeftoverPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.os.ProcessLedger.Leftover;
import dev.svd.os.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, at svd's start, which process groups a killed svd left running are adopted rather than
 * stopped: those of services with {@code on-leftover = adopt} whose main process still runs the
 * command, directory, environment and user the config now gives, and still writes into svd's named
 * pipes. Says why for each one it cannot adopt. See docs/daemon.md, "Crash recovery".
 */
final class LeftoverTriage {
    private static final Logger log = LoggerFactory.getLogger(LeftoverTriage.class);

    private LeftoverTriage() {}

    /** The leftovers to adopt; every other one is to be stopped. */
    static List<Leftover> adoptable(List<Leftover> found, SupervisorSpec config, Path fifoDir) {
        List<Leftover> adopt = new ArrayList<>();
        for (Leftover l : found) {
            ServiceSpec spec = config.services().get(l.service());
            if (spec == null || spec.onLeftover() != LeftoverPolicy.ADOPT) {
                continue;
            }
            Optional<String> why = whyNot(l, spec, fifoDir);
            if (why.isPresent()) {
                log.warn("{}: cannot adopt process group {} left by an earlier svd: {}", l.service(), l.pgid(), why.get());
            } else if (adopt.stream().anyMatch(a -> a.service().equals(l.service()))) {
                log.warn("{}: cannot adopt process group {} left by an earlier svd: the service already has one", l.service(), l.pgid());
            } else {
                log.info("{}: adopting process group {} left by an earlier svd (on-leftover = adopt)", l.service(), l.pgid());
                adopt.add(l);
            }
        }
        return adopt;
    }

    private static Optional<String> whyNot(Leftover l, ServiceSpec spec, Path fifoDir) {
        if (!l.leaderAlive()) {
            return Optional.of("its main process is gone, only other members of its group run");
        }
        if (l.launchDigest().isEmpty()) {
            return Optional.of("it was started before on-leftover = adopt was set");
        }
        if (!l.launchDigest().get().equals(spec.launchDigest())) {
            return Optional.of("its command, directory, environment or user has changed since");
        }
        if (!Processes.writesIntoFifos(l.service(), l.pgid(), fifoDir)) {
            return Optional.of("its stdout and stderr are not svd's named pipes in " + fifoDir);
        }
        return Optional.empty();
    }

    /** {@code found} without {@code adopted}. */
    static List<Leftover> toStop(List<Leftover> found, List<Leftover> adopted) {
        List<Leftover> stop = new ArrayList<>(found);
        stop.removeAll(adopted);
        return stop;
    }
}
