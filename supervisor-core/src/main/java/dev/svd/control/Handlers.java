package dev.svd.control;

import dev.svd.certs.CertificateControl;
import dev.svd.engine.ConfigControl;
import dev.svd.engine.ServiceControl;
import dev.svd.engine.ServiceOutput;
import dev.svd.engine.ShutdownControl;
import dev.svd.protocol.CommandName;
import dev.svd.schedule.JobControl;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** The one table from command to handler. Built once per server; the map is then only read. */
final class Handlers {
    private Handlers() {}

    static Map<CommandName, RequestHandler> create(ServiceControl services, ServiceOutput output, ConfigControl config,
                                                   ShutdownControl shutdown, JobControl jobs,
                                                   CertificateControl certificates, ControlLimits limits, Clock clock) {
        Map<CommandName, RequestHandler> m = new EnumMap<>(CommandName.class);
        m.put(CommandName.STATUS, new StatusHandler(services, clock));
        m.put(CommandName.START, new StartHandler(services, limits));
        m.put(CommandName.STOP, new StopHandler(services, limits));
        m.put(CommandName.RESTART, new RestartHandler(services, limits));
        m.put(CommandName.RELOAD, new ReloadHandler(services, limits));
        m.put(CommandName.SIGNAL, new SignalHandler(services, limits));
        m.put(CommandName.LOGS, new LogsHandler(services, output, jobs, clock));
        m.put(CommandName.EVENTS, new EventsHandler(services));
        m.put(CommandName.JOBS, new JobsHandler(jobs));
        m.put(CommandName.RUN, new RunHandler(jobs));
        m.put(CommandName.CERTS, new CertsHandler(certificates, clock));
        m.put(CommandName.RENEW, new RenewHandler(certificates));
        m.put(CommandName.REREAD, new RereadHandler(config));
        m.put(CommandName.UPDATE, new UpdateHandler(config));
        m.put(CommandName.SHUTDOWN, new ShutdownHandler(shutdown));
        m.put(CommandName.VERSION, new VersionHandler(clock));
        m.put(CommandName.SHOW, new ShowHandler(services, config));
        m.put(CommandName.TOP, new TopHandler(services, clock));
        for (CommandName c : CommandName.values()) {
            if (!m.containsKey(c)) {
                throw new IllegalStateException("no handler for " + c);
            }
        }
        return m;
    }
}
