package dev.svd.os;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the argv and environment NuProcess execs. The service's command is wrapped in programs
 * that exec in place (no extra process): util-linux {@code setsid} gives it its own session and
 * process group; util-linux {@code setpriv} drops to the configured user; coreutils
 * {@code env --default-signal} resets signal dispositions, only when svd's JVM ignores a signal a
 * child would inherit (see {@link SignalDispositions}). Each wrapper costs about 0.5-1 ms of restart
 * latency (measured with hyperfine), so there are no more of them than needed.
 * See docs/decisions/0001-spawning-with-nuprocess.md. Also checks up front what would make the exec
 * fail, so the cause reaches the operator as words, not as "exited 127".
 */
final class ChildCommand {
    private final String setsid;
    private final String env;
    private final String setpriv;
    private final boolean root;
    private final boolean resetDispositions;

    /** @param dispositionsClean svd's JVM ignores no standard signal, so children start with defaults */
    ChildCommand(boolean dispositionsClean) {
        this.resetDispositions = !dispositionsClean;
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        String search = path + ":/usr/bin:/bin:/usr/sbin:/sbin";
        this.setsid = find("setsid", search).orElseThrow(() -> new IllegalStateException("setsid (util-linux) not found"));
        this.env = find("env", search).orElseThrow(() -> new IllegalStateException("env (coreutils) not found"));
        this.setpriv = find("setpriv", search).orElse(null);
        this.root = "root".equals(System.getProperty("user.name"));
    }

    List<String> argv(SpawnRequest req, Map<String, String> environment) throws SpawnException {
        if (req.command().isEmpty()) {
            throw new SpawnException("empty command");
        }
        String program = req.command().get(0);
        Path dir = req.directory().orElse(Path.of("").toAbsolutePath());
        if (!Files.isDirectory(dir)) {
            throw new SpawnException("directory " + dir + " does not exist");
        }
        resolve(program, environment.getOrDefault("PATH", ""), dir);
        List<String> argv = new ArrayList<>();
        argv.add(setsid);
        if (resetDispositions) {
            argv.add(env);
            argv.add("--default-signal");
            argv.add("--");
        }
        if (req.user().isPresent()) {
            UserAccount user = user(req.user().get());
            argv.add(setpriv);
            argv.add("--reuid=" + user.uid());
            argv.add("--regid=" + user.gid());
            argv.add("--init-groups");
            argv.add("--");
        }
        argv.addAll(req.command());
        return argv;
    }

    Map<String, String> environment(SpawnRequest req) throws SpawnException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("_JAVA_SR_SIGNUM"); // svd's own JVM setting (see bin/svd), not the services'
        if (req.user().isPresent()) {
            UserAccount user = user(req.user().get());
            env.put("HOME", user.home());
            env.put("USER", user.name());
            env.put("LOGNAME", user.name());
        }
        env.putAll(req.environment());
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

    /** Throws with the operator-facing cause when {@code program} cannot be executed. */
    static void resolve(String program, String path, Path dir) throws SpawnException {
        if (program.contains("/")) {
            Path p = dir.resolve(program);
            if (!Files.exists(p)) {
                throw new SpawnException(program + ": no such file");
            }
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new SpawnException(program + ": not an executable file");
            }
            return;
        }
        if (find(program, path).isEmpty()) {
            throw new SpawnException("command not found: " + program + " (searched PATH=" + path + ")");
        }
    }

    private static Optional<String> find(String program, String path) {
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }
}
