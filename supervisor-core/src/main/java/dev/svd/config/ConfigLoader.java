package dev.svd.config;

import com.typesafe.config.ConfigObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Loads a HOCON file into a validated {@link SupervisorSpec}, or throws one {@link ConfigException}
 * naming every problem with its file, line and key. Parse, read every value, then check the
 * references between services. Stateless apart from its seams; any thread.
 */
public final class ConfigLoader {
    static final List<String> TOP_KEYS = List.of("svd", "control", "services", "jobs", "certificates");
    static final List<String> CONTROL_KEYS = List.of("read-only-group", "max-clients", "max-clients-per-user",
            "reserved-for-root", "request-timeout", "write-timeout");
    static final List<String> DAEMON_KEYS = List.of("socket", "log-dir", "state-dir", "stop-budget", "http");

    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /**
     * Names become file names (log-dir/NAME.log.N, .NAME.log.N.dropped.M, state-dir/output/NAME.stderr,
     * certbot's live/NAME): 128 characters keep every one of them under NAME_MAX (255).
     */
    static final int MAX_NAME_LENGTH = 128;
    private static final String SERVICE_EXAMPLE = "{ command = [\"nginx\", \"-g\", \"daemon off;\"] }";
    private static final String JOB_EXAMPLE = "{ schedule = \"0 3 * * *\", command = [\"certbot\", \"renew\"] }";

    private final Map<String, String> environment;
    private final HostChecks.UserLookup users;

    /** @param users the seam for tests that need a user this machine may not have */
    ConfigLoader(Map<String, String> environment, HostChecks.UserLookup users) {
        this.environment = Map.copyOf(environment);
        this.users = users;
    }

    /** Loads {@code file} with svd's own environment (for {@code ${?ENV}} and PATH). */
    public static SupervisorSpec load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /**
     * Loads {@code file}, taking {@code ${?NAME}} substitutions and the PATH on which a bare
     * {@code command[0]} is searched from {@code environment} instead of the process's.
     */
    public static SupervisorSpec load(Path file, Map<String, String> environment) throws ConfigException {
        return new ConfigLoader(environment, HostChecks::systemUserExists).read(file);
    }

    SupervisorSpec read(Path file) throws ConfigException {
        ConfigObject root = HoconFile.parse(file, environment);
        Problems problems = new Problems();
        ConfigReader top = new ConfigReader(root, List.of(), problems);
        top.rejectUnknownKeys(TOP_KEYS);
        DaemonSpec daemon = top.object("svd").map(ConfigLoader::daemon).orElse(DaemonSpec.DEFAULT);

        Map<String, ConfigReader> blocks = top.object("services")
                .map(r -> r.objectsInFileOrder(SERVICE_EXAMPLE)).orElse(Map.of());
        HostChecks host = new HostChecks(environment.getOrDefault("PATH", HostChecks.DEFAULT_PATH), users);
        ServiceReader serviceReader = new ServiceReader(host);
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        blocks.forEach((name, block) -> {
            nameProblem("service", SERVICE_NAME, name).ifPresent(m -> problems.add(block.origin(), block.path(), m));
            services.put(name, serviceReader.read(name, block));
        });
        SocketReader.checkAcrossServices(services, problems);
        Map<String, JobSpec> jobs = jobs(top, new JobReader(serviceReader, host), problems);
        DependencyGraph graph = new DependencyGraph(checkedDependencies(services, blocks));
        for (List<String> cycle : graph.cycles()) {
            blocks.get(cycle.get(0)).problem("depends-on", "dependency cycle: " + String.join(" -> ", cycle));
        }
        Map<String, CertificateSpec> certificates = certificates(top, daemon, services.keySet(), problems);
        certificates.values().stream().filter(c -> jobs.containsKey(c.jobName())).forEach(c -> problems.add(
                jobs.get(c.jobName()).origin(), "jobs." + c.jobName(), "the name of certificate " + c.name()
                        + "'s renewal job: name this job otherwise"));
        ControlSpec control = top.object("control").map(r -> {
            r.rejectUnknownKeys(CONTROL_KEYS);
            return ControlSpec.read(r);
        }).orElse(ControlSpec.DEFAULT);
        problems.throwIfAny();
        return new SupervisorSpec(file, daemon, control, services, graph.startOrder(), jobs, certificates);
    }

    private Map<String, CertificateSpec> certificates(ConfigReader top, DaemonSpec daemon, java.util.Set<String> services,
            Problems problems) {
        CertificateReader reader = new CertificateReader(daemon.stateDir(),
                new HostChecks(environment.getOrDefault("PATH", HostChecks.DEFAULT_PATH), users));
        Map<String, CertificateSpec> certificates = new LinkedHashMap<>();
        top.object("certificates").map(r -> r.objectsInFileOrder("{ domains = [example.org], webroot = \"/var/www/certbot\" }"))
                .orElse(Map.of()).forEach((name, block) -> {
                    nameProblem("certificate", CertificateReader.NAME, name).ifPresent(m -> problems.add(block.origin(),
                            block.path(), m + " (it is certbot's --cert-name)"));
                    certificates.put(name, reader.read(name, block, services));
                });
        return certificates;
    }

    private static Map<String, JobSpec> jobs(ConfigReader top, JobReader reader, Problems problems) {
        Map<String, JobSpec> jobs = new LinkedHashMap<>();
        top.object("jobs").map(r -> r.objectsInFileOrder(JOB_EXAMPLE)).orElse(Map.of()).forEach((name, block) -> {
            nameProblem("job", SERVICE_NAME, name).ifPresent(m -> problems.add(block.origin(), block.path(), m));
            jobs.put(name, reader.read(name, block));
        });
        return jobs;
    }

    private static Optional<String> nameProblem(String kind, Pattern allowed, String name) {
        if (!allowed.matcher(name).matches()) {
            return Optional.of("a " + kind + " name must start with a letter or digit"
                    + " and have only letters, digits, \".\", \"_\" and \"-\"");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("a " + kind + " name has at most " + MAX_NAME_LENGTH + " characters (this one has "
                    + name.length() + "): it names svd's files for it");
        }
        return Optional.empty();
    }

    private static DaemonSpec daemon(ConfigReader r) {
        DaemonSpec d = DaemonSpec.DEFAULT;
        r.rejectUnknownKeys(DAEMON_KEYS);
        return new DaemonSpec(
                r.path("socket", "\"/run/svd/svd.sock\"").orElse(d.socket()),
                r.path("log-dir", "\"/var/log/svd\"").orElse(d.logDir()),
                r.path("state-dir", "\"/var/lib/svd\"").orElse(d.stateDir()),
                r.positiveDuration("stop-budget", d.stopBudget()),
                r.object("http").map(HttpSpec::read));
    }

    /**
     * Reports {@code depends-on} entries that name no service, the service itself, or a service
     * twice, and answers the edges that remain.
     */
    private static Map<String, List<String>> checkedDependencies(Map<String, ServiceSpec> services,
            Map<String, ConfigReader> blocks) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        services.forEach((name, spec) -> {
            ConfigReader block = blocks.get(name);
            List<String> valid = new ArrayList<>();
            for (String dependency : spec.dependsOn()) {
                if (dependency.equals(name)) {
                    block.problem("depends-on", "a service cannot depend on itself");
                } else if (!services.containsKey(dependency)) {
                    block.problem("depends-on", "no service \"" + dependency + "\"" + KeySuggester
                            .suggest(dependency, services.keySet()).map(s -> " (did you mean \"" + s + "\"?)").orElse(""));
                } else if (valid.contains(dependency)) {
                    block.problem("depends-on", "lists \"" + dependency + "\" twice");
                } else {
                    valid.add(dependency);
                }
            }
            edges.put(name, valid);
        });
        return edges;
    }
}
