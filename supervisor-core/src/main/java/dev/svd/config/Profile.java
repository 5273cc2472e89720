package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Defaults for programs svd knows, set by {@code profile = nginx | gunicorn}; every one can be
 * overridden by the service's own keys. The signals follow the programs' own documentation:
 * nginx (nginx.org/en/docs/control.html): QUIT graceful stop, HUP reload, USR1 reopen logs, and
 * {@code nginx -t} tests the config; gunicorn (docs.gunicorn.org/en/stable/signals.html): TERM
 * graceful stop (QUIT and INT are quick), HUP reload with new workers, USR1 reopen logs, and
 * {@code --check-config}. gunicorn refuses to start while its {@code --pid} file names a live pid,
 * so svd removes that file before each start.
 */
public enum Profile {
    NONE, NGINX, GUNICORN;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    StopSpec stop() {
        return switch (this) {
            case NGINX -> new StopSpec(Signal.QUIT, Duration.ofSeconds(10));
            case GUNICORN -> new StopSpec(Signal.TERM, Duration.ofSeconds(30));
            case NONE -> StopSpec.DEFAULT;
        };
    }

    /**
     * The reload for this command: the program's own config test, HUP, and confirmation by new
     * workers. nginx's master logs a new configuration it cannot apply after HUP (a {@code listen}
     * whose bind() fails, which {@code nginx -t} does not try) at level emerg and keeps its old
     * workers (nginx.org/en/docs/control.html): that line is the reload's failure.
     */
    ReloadSpec reload(List<String> command) {
        if (this == NONE || command.isEmpty()) {
            return ReloadSpec.DEFAULT;
        }
        List<String> check = new ArrayList<>();
        check.add(command.get(0));
        check.add(this == NGINX ? "-t" : "--check-config");
        check.addAll(command.subList(1, command.size()));
        return new ReloadSpec(check, Signal.HUP, ReloadSpec.Confirm.WORKERS, ReloadSpec.DEFAULT.timeout(),
                this == NGINX ? Optional.of("[emerg]") : Optional.empty());
    }

    /** nginx takes inherited listening sockets from its NGINX variable (docs/sockets.md); others from systemd's. */
    SocketAnnounce socketsEnv() {
        return this == NGINX ? SocketAnnounce.NGINX : SocketAnnounce.SYSTEMD;
    }

    Optional<Signal> reopenSignal() {
        return this == NONE ? Optional.empty() : Optional.of(Signal.USR1);
    }

    /** gunicorn's {@code --pid FILE}, {@code --pid=FILE} or {@code -p FILE}, resolved against the directory. */
    Optional<Path> pidFile(List<String> command, Optional<Path> directory) {
        if (this != GUNICORN) {
            return Optional.empty();
        }
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            String file = null;
            if ((a.equals("--pid") || a.equals("-p")) && i + 1 < command.size()) {
                file = command.get(i + 1);
            } else if (a.startsWith("--pid=")) {
                file = a.substring("--pid=".length());
            }
            if (file != null) {
                return FileNames.path(file).map(p -> directory.map(d -> d.resolve(p)).orElse(p));
            }
        }
        return Optional.empty();
    }
}
