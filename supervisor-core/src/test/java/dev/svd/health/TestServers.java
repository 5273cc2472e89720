package dev.svd.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Servers that probe ITs talk to, started with ProcessBuilder: test code only, and only in IT classes
 * that do not create {@code dev.svd.os.Processes} (whose reaper would take these exit statuses).
 * {@link #close} kills each by PID, with its descendants (gunicorn's workers).
 */
final class TestServers implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    /** A file or directory of src/test/resources/health. */
    static Path resource(String name) {
        try {
            return Path.of(TestServers.class.getResource("/health/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code command}, output to {@code log}, and waits until it accepts on {@code port}. */
    Process start(List<String> command, Map<String, String> environment, Path log, int port) {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(environment);
        Process p;
        try {
            p = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        started.add(p);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    /** probe_server.py on {@code port} with extra arguments. */
    Process probeServer(Path dir, int port, String... arguments) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", resource("probe_server.py").toString(),
                "--port", Integer.toString(port)));
        command.addAll(List.of(arguments));
        return start(command, Map.of(), dir.resolve("server-" + port + ".out"), port);
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }
}
