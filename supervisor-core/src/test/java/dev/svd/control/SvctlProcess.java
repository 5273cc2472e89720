package dev.svd.control;

import dev.svd.cli.Svctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs svctl as its own JVM with only its own and the protocol's classes on the class path, as the launcher does.
 * Every process it starts is killed when the test ends, also when the test fails.
 */
public final class SvctlProcess implements AutoCloseable {
    /** What one svctl run printed and how it exited. */
    public record Result(int exit, String out, String err) {}

    private final Path socket;
    private final List<Process> started = new ArrayList<>();

    public SvctlProcess(Path socket) {
        this.socket = socket;
    }

    /** svctl's class path as lib/svctl.classpath has it: its own classes and the wire protocol's. */
    static String classPath() {
        return location(Svctl.class) + java.io.File.pathSeparator + location(dev.svd.protocol.Request.class);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts svctl with {@code --socket} and the given arguments; the caller reads its output. */
    Process start(String... args) throws IOException {
        return start(java.util.Map.of(), args);
    }

    /** As {@link #start(String...)}, with these environment variables added. */
    Process start(java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classPath(), "dev.svd.cli.Svctl", "--socket", socket.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SVD_SOCKET");
        pb.environment().remove("NO_COLOR");
        pb.environment().remove("SVCTL_TIMEOUT");
        pb.environment().remove("SVCTL_SOCKET_OWNER");
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Runs svctl to completion (at most 30 s). */
    public Result run(String... args) throws Exception {
        return run(java.util.Map.of(), args);
    }

    /** Runs svctl to completion (at most 30 s) with these environment variables added. */
    public Result run(java.util.Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("svctl " + String.join(" ", args) + " did not finish in 30s");
        }
        return new Result(p.exitValue(), out, err.get(30, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }
}
