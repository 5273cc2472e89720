package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a spawn gives a watchdog service its WATCHDOG_PID (docs/notify.md), without spawning. */
class WatchdogPidTest {
    private static final ChildCommand.Exec GUNICORN = new ChildCommand.Exec("/usr/bin/gunicorn",
            List.of("gunicorn", "-w", "3"), Path.of("/srv"));

    @Test
    void watchdogPidIsSetByTheShellAloneOrWithListenPid() {
        assertThat(ChildCommand.withWatchdogPid(GUNICORN, false).argv()).containsExactly("/bin/sh", "-c",
                "WATCHDOG_PID=$$; export WATCHDOG_PID; exec \"$0\" \"$@\"", "/usr/bin/gunicorn", "-w", "3");
        assertThat(ChildCommand.withWatchdogPid(GUNICORN, true).argv()).containsExactly("/bin/sh", "-c",
                "LISTEN_PID=$$; WATCHDOG_PID=$$; export LISTEN_PID WATCHDOG_PID; exec \"$0\" \"$@\"",
                "/usr/bin/gunicorn", "-w", "3");
    }

    @Test
    void theNotifyVariablesComeOnlyFromTheRequestAndWatchdogPidNeverFromIt() throws Exception {
        ChildCommand command = new ChildCommand();
        Map<String, String> given = command.environment(new SpawnRequest("web", List.of("gunicorn"), Optional.empty(),
                Map.of("NOTIFY_SOCKET", "/var/lib/svd/notify", "WATCHDOG_USEC", "10000000", "WATCHDOG_PID", "1"),
                Optional.empty(), List.of()));
        Map<String, String> none = command.environment(new SpawnRequest("web", List.of("gunicorn"), Optional.empty(),
                Map.of(), Optional.empty(), List.of()));

        assertThat(given).containsEntry("NOTIFY_SOCKET", "/var/lib/svd/notify").containsEntry("WATCHDOG_USEC", "10000000")
                .doesNotContainKey("WATCHDOG_PID");
        assertThat(none).doesNotContainKeys("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID");
    }
}
