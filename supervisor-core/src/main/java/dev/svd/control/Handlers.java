package dev.svd.control;

import dev.svd.certs.CertificateControl;
import dev.svd.engine.SupervisorControl;
import dev.svd.protocol.CommandName;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** The one table from command to handler. Built once per server; the map is then only read. */
final class Handlers {
    private Handlers() {}

    static Map<CommandName, RequestHandler> create(SupervisorControl control, ControlLimits limits, Clock clock) {
        return create(control, CertificateControl.NONE, limits, clock);
    }

    static Map<CommandName, RequestHandler> create(SupervisorControl control, CertificateControl certificates,
                                                   ControlLimits limits, Clock clock) {
        Map<CommandName, RequestHandler> m = new EnumMap<>(CommandName.class);
        m.put(CommandName.STATUS, new StatusHandler(control, clock));
        m.put(CommandName.START, new StartHandler(control, limits));
        m.put(CommandName.STOP, new StopHandler(control, limits));
        m.put(CommandName.RESTART, new RestartHandler(control, limits));
        m.put(CommandName.RELOAD, new ReloadHandler(control, limits));
        m.put(CommandName.SIGNAL, new SignalHandler(control, limits));
        m.put(CommandName.LOGS, new LogsHandler(control));
        m.put(CommandName.EVENTS, new EventsHandler(control));
        m.put(CommandName.JOBS, new JobsHandler(control));
        m.put(CommandName.RUN, new RunHandler(control));
        m.put(CommandName.CERTS, new CertsHandler(certificates, clock));
        m.put(CommandName.RENEW, new RenewHandler(certificates));
        m.put(CommandName.REREAD, new RereadHandler(control));
        m.put(CommandName.UPDATE, new UpdateHandler(control));
        m.put(CommandName.SHUTDOWN, new ShutdownHandler(control));
        m.put(CommandName.VERSION, new VersionHandler(clock));
        for (CommandName c : CommandName.values()) {
            if (!m.containsKey(c)) {
                throw new IllegalStateException("no handler for " + c);
            }
        }
        return m;
    }
}
