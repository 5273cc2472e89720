package dev.svd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * svd run as a separate JVM from the test's classpath, with stdout and stderr in files. Closing it
 * stops svd with SIGTERM (SIGKILL after a grace) and kills every pid the test's services wrote under
 * {@code pids/}, so a failing test leaves nothing behind.
 */
public final class SvdProcess implements AutoCloseable {
    /** How long {@link #close} lets svd stop its services before SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(15);

    final Path dir;
    final Path out;
    final Path err;
    final Process process;

    private SvdProcess(Path dir, Process process) {
        this.dir = dir;
        this.out = dir.resolve("svd.out");
        this.err = dir.resolve("svd.err");
        this.process = process;
    }

    public static SvdProcess start(Path dir, String... args) throws IOException {
        return startUnder(List.of(), dir, java.util.Map.of(), args);
    }

    /**
     * Like {@link #start(Path, String...)}, with {@code env} added to svd's environment. svd runs
     * with {@code SVD_CGROUP=off} unless {@code env} says otherwise.
     */
    public static SvdProcess start(Path dir, java.util.Map<String, String> env, String... args) throws IOException {
        return startUnder(List.of(), dir, env, args);
    }

    /**
     * svd exec'd in place by {@code wrapper} (same pid), for instance util-linux
     * {@code prlimit --nofile=128:320 --} to start it with a low descriptor limit.
     */
    public static SvdProcess startUnder(List<String> wrapper, Path dir, String... args) throws IOException {
        return startUnder(wrapper, dir, java.util.Map.of(), args);
    }

    private static SvdProcess startUnder(List<String> wrapper, Path dir, java.util.Map<String, String> env, String... args)
            throws IOException {
        Files.createDirectories(dir.resolve("pids"));
        List<String> cmd = new ArrayList<>(wrapper);
        // A test run started in the background of a non-interactive shell (or under nohup) hands every
        // child SIGINT (or SIGHUP) ignored, and HotSpot keeps an ignored HUP, INT or TERM so
        // (decisions/0004 §1): svd gets them at their defaults, as from a terminal or docker.
        cmd.addAll(List.of("env", "--default-signal=HUP,INT,TERM"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-MaxFDLimit", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Svd.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("svd.out").toFile())
                .redirectError(dir.resolve("svd.err").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("SVD_LOG_LEVEL", "INFO");
        // A test may end svd with SIGKILL, which leaves its cgroups behind (a restarted svd with the same
        // state dir would reuse them; a test's state dir is never used again): a test that is about
        // cgroups asks for them and removes them itself (EscapeIT).
        pb.environment().put("SVD_CGROUP", "off");
        pb.environment().putAll(env);
        return new SvdProcess(dir, pb.start());
    }

    public int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("svd did not exit within " + bound + "; stdout:\n" + read(out));
        }
        return process.exitValue();
    }

    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** svd's own pid, as {@code svctl version} should report it. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    public void awaitLog(String text) {
        await().atMost(Duration.ofSeconds(20)).until(() -> stdout().contains(text));
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Pids the services wrote as files {@code pids/NAME.pid}; each file holds one pid per line. */
    List<Long> recordedPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(dir.resolve("pids"))) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        pids.add(Long.parseLong(line.trim()));
                    }
                }
            }
        }
        return pids;
    }

    /** Alive and not a zombie: an orphan killed here waits for PID 1 to reap it, which may take seconds. */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && dev.svd.os.ProcFs.liveProcess((int) pid);
    }

    /**
     * Stops svd the way an operator does (SIGTERM: svd stops every service, also one still starting,
     * and removes what it made), SIGKILL only when it has not exited within {@link #GRACE}; then
     * kills the pids the services recorded, in case svd could not.
     */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (long pid : recordedPids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
