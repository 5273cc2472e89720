package dev.svd.os;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a spawn request into what {@link Spawner} execs: the program's absolute path, the argv and
 * the working directory. A service with {@code user} runs through util-linux {@code setpriv}, which
 * drops to that user and execs the command in place (no extra process; about 1 ms per start).
 * Also checks up front what would make the exec fail, so the cause reaches the operator as words.
 */
final class ChildCommand {
    /** {@code program} is absolute; {@code argv[0]} is what the operator wrote. */
    record Exec(String program, List<String> argv, Path directory) {}

    private final String setpriv;
    private final String prlimit;
    private final String env;
    private final boolean root;

    ChildCommand() {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        this.setpriv = find("setpriv", path + ":/usr/bin:/bin:/usr/sbin:/sbin").orElse(null);
        this.prlimit = find("prlimit", path + ":/usr/bin:/bin:/usr/sbin:/sbin").orElse(null);
        this.env = find("env", path + ":/usr/bin:/bin").orElse(null);
        this.root = "root".equals(System.getProperty("user.name"));
    }

    Exec exec(SpawnRequest req, Map<String, String> environment) throws SpawnException {
        Exec exec = execWithoutSockets(req, environment);
        if (environment.containsKey("WATCHDOG_USEC")) {
            return withWatchdogPid(throughEnv(exec, environment), !req.sockets().isEmpty());
        }
        return req.sockets().isEmpty() ? exec : withListenPid(throughEnv(exec, environment));
    }

    /**
     * The shell that sets LISTEN_PID or WATCHDOG_PID (below) is dash on Debian, and dash leaves out
     * of the programs it execs every variable whose name is not a shell name ({@code FOO-BAR},
     * {@code log.level}). When the environment has such names, coreutils env(1) between the shell and
     * the program sets them again (one more exec in place, the same process): the program gets the
     * whole environment, as without sockets. Not when the program's path holds "=", which env would
     * take for an assignment.
     */
    Exec throughEnv(Exec exec, Map<String, String> environment) {
        List<String> assignments = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (!SHELL_NAME.matcher(name).matches()) {
                assignments.add(name + "=" + value);
            }
        });
        if (assignments.isEmpty() || env == null || exec.program().contains("=")) {
            return exec;
        }
        assignments.sort(null);
        List<String> argv = new ArrayList<>();
        argv.add(env);
        argv.addAll(assignments);
        argv.addAll(withProgram(exec));
        return new Exec(env, argv, exec.directory());
    }

    /** A name POSIX shells keep in the environment of what they exec. */
    private static final java.util.regex.Pattern SHELL_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * A service with a watchdog (docs/notify.md) gets {@code WATCHDOG_PID}, its own pid, the same way
     * as {@code LISTEN_PID}: sd_watchdog_enabled(3) then applies the watchdog to that process only, not
     * to children that inherit the variables.
     */
    static Exec withWatchdogPid(Exec exec, boolean listenPidToo) {
        List<String> argv = new ArrayList<>(List.of(SHELL, "-c", listenPidToo ? LISTEN_AND_WATCHDOG_PID_SCRIPT
                : WATCHDOG_PID_SCRIPT));
        argv.addAll(withProgram(exec));
        return new Exec(SHELL, argv, exec.directory());
    }

    static final String WATCHDOG_PID_SCRIPT = "WATCHDOG_PID=$$; export WATCHDOG_PID; exec \"$0\" \"$@\"";
    static final String LISTEN_AND_WATCHDOG_PID_SCRIPT = "LISTEN_PID=$$; WATCHDOG_PID=$$; export LISTEN_PID WATCHDOG_PID;"
            + " exec \"$0\" \"$@\"";

    /**
     * sd_listen_fds(3) ignores the sockets unless LISTEN_PID is the process's own pid (gunicorn's
     * systemd.listen_fds checks it too), and posix_spawn cannot know the pid in advance. A shell's
     * {@code $$} is its pid, and {@code exec} keeps it: {@code /bin/sh -c 'LISTEN_PID=$$; export
     * LISTEN_PID; exec "$0" "$@"' program args...} sets it and becomes the program (one more exec,
     * the same process; docs/sockets.md). Only for services with sockets.
     */
    static Exec withListenPid(Exec exec) {
        List<String> argv = new ArrayList<>(List.of(SHELL, "-c", LISTEN_PID_SCRIPT));
        argv.addAll(withProgram(exec));
        return new Exec(SHELL, argv, exec.directory());
    }

    /** The shell that sets LISTEN_PID, POSIX's sh (dash on Debian). */
    static final String SHELL = "/bin/sh";
    /** Set by the launcher beside the LC_CTYPE it gave svd's JVM when no locale was set (docs/packaging.md). */
    static final String LC_CTYPE_ADDED = "SVD_LC_CTYPE_ADDED";
    static final String LISTEN_PID_SCRIPT = "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"";

    private Exec execWithoutSockets(SpawnRequest req, Map<String, String> environment) throws SpawnException {
        if (req.command().isEmpty()) {
            throw new SpawnException("empty command");
        }
        String program = req.command().get(0);
        Path dir = req.directory().orElse(Path.of("").toAbsolutePath()).toAbsolutePath();
        if (!dir.toFile().isDirectory()) {
            throw new SpawnException("directory " + dir + " does not exist");
        }
        String resolved = resolve(program, environment.getOrDefault("PATH", ""), dir);
        if (req.user().isEmpty()) {
            return withInheritedLimit(new Exec(resolved, req.command(), dir), false);
        }
        UserAccount user = user(req.user().get());
        List<String> argv = new ArrayList<>(List.of(setpriv, "--reuid=" + user.uid(), "--regid=" + user.gid(),
                "--init-groups", "--"));
        argv.addAll(req.command());
        return withInheritedLimit(new Exec(setpriv, argv, dir), true);
    }

    /**
     * When svd raised its descriptor limit, the service gets the soft limit svd inherited back:
     * util-linux {@code prlimit --nofile=SOFT:HARD -- command} sets it and execs the command in place
     * (same pid, no extra process). posix_spawn has no attribute for rlimits, and lowering svd's own
     * limit around the spawn would fail other threads' opens meanwhile
     * (docs/decisions/0005-descriptor-limits.md). Without prlimit, services keep svd's raised limit.
     */
    private Exec withInheritedLimit(Exec exec, boolean throughSetpriv) {
        Optional<DescriptorLimit> limit = DescriptorLimit.forChildren();
        if (limit.isEmpty() || prlimit == null) {
            return exec;
        }
        List<String> argv = new ArrayList<>(List.of(prlimit, "--nofile=" + limit.get().inherited() + ":"
                + limit.get().hard(), "--"));
        argv.addAll(throughSetpriv ? exec.argv() : withProgram(exec));
        return new Exec(prlimit, argv, exec.directory());
    }

    /** The argv with the resolved program first, so prlimit execs exactly what svd checked. */
    private static List<String> withProgram(Exec exec) {
        List<String> argv = new ArrayList<>(exec.argv());
        argv.set(0, exec.program());
        return argv;
    }

    /** Whether services can be given back the descriptor limit svd inherited (util-linux prlimit is installed). */
    boolean canRestoreLimits() {
        return prlimit != null;
    }

    Map<String, String> environment(SpawnRequest req) throws SpawnException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("_JAVA_SR_SIGNUM"); // svd's own JVM setting (see bin/svd), not the services'
        if (env.remove(LC_CTYPE_ADDED) != null) {
            env.remove("LC_CTYPE"); // bin/svd set it for svd's JVM only (lib/launcher.sh, svd_utf8_locale)
        }
        if (req.user().isPresent()) {
            UserAccount user = user(req.user().get());
            env.put("HOME", user.home());
            env.put("USER", user.name());
            env.put("LOGNAME", user.name());
        }
        // systemd's notify protocol (docs/notify.md): a NOTIFY_SOCKET svd inherited (svd run by systemd)
        // is svd's manager's, not the services'; those that use notify get svd's own through req.
        env.remove("NOTIFY_SOCKET");
        env.remove("WATCHDOG_USEC");
        env.remove("WATCHDOG_PID");
        env.putAll(req.environment());
        env.remove("WATCHDOG_PID"); // set to the process's own pid by withWatchdogPid, never given
        // systemd's socket passing (sd_listen_fds(3)): set for a service with sockets, else removed,
        // so that variables svd itself inherited never describe descriptors a service does not have.
        env.remove("LISTEN_FDS");
        env.remove("LISTEN_PID");
        env.remove("LISTEN_FDNAMES");
        if (!req.sockets().isEmpty()) {
            env.put("LISTEN_FDS", Integer.toString(req.sockets().size()));
            env.put("LISTEN_FDNAMES", String.join(":", req.sockets().stream().map(SpawnRequest.PassedSocket::name).toList()));
        }
        return env;
    }

    private UserAccount user(String name) throws SpawnException {
        UserAccount user = UserAccount.lookup(name).orElseThrow(() -> new SpawnException("no such user: " + name));
        if (!root) {
            throw new SpawnException("user = " + name + " needs svd to run as root (it runs as "
                    + System.getProperty("user.name") + ")");
        }
        if (setpriv == null) {
            throw new SpawnException("user = " + name + " needs setpriv (util-linux), which is not installed");
        }
        return user;
    }

    /** The absolute path of {@code program}; throws with the operator-facing cause when it cannot be executed. */
    static String resolve(String program, String path, Path dir) throws SpawnException {
        if (program.contains("/")) {
            Path p = dir.resolve(program).toAbsolutePath();
            if (!p.toFile().exists()) {
                throw new SpawnException(program + ": no such file");
            }
            if (!executableFile(p)) {
                throw new SpawnException(program + ": not an executable file");
            }
            return p.toString();
        }
        return find(program, path).orElseThrow(
                () -> new SpawnException("command not found: " + program + " (searched PATH=" + path + ")"));
    }

    /**
     * A regular file (links followed) that svd may execute: java.io.File's checks, one native stat or
     * access(2) each, in place of NIO's (a provider and attribute objects per check), since every
     * start and restart asks them while the JIT has compiled none of it (docs/benchmarks.md,
     * "Restart after SIGKILL: the path").
     */
    private static boolean executableFile(Path p) {
        File f = p.toFile();
        return f.isFile() && f.canExecute();
    }

    private static Optional<String> find(String program, String path) {
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, program).toAbsolutePath();
            if (executableFile(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }
}
