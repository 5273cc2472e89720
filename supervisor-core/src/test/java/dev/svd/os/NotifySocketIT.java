package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * svd's notify socket itself (docs/notify.md), in the test's JVM, with python3 senders: the kernel's
 * credentials name the sender, a path too long for sun_path falls back to an abstract address,
 * descriptors passed with a datagram are closed, and the socket file goes with close().
 */
class NotifySocketIT {
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** {@code send.py ADDRESS TEXT [fds]}: one datagram; "fds" passes three open descriptors with it (SCM_RIGHTS). */
    private static final String SENDER = """
            import os, socket, sys
            address = sys.argv[1]
            if address.startswith("@"):
                address = "\\0" + address[1:]
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.connect(address)
            if len(sys.argv) > 3:
                fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(3)]
                socket.send_fds(s, [sys.argv[2].encode()], fds)
            else:
                s.send(sys.argv[2].encode())
            print(os.getpid())
            """;

    @TempDir
    Path dir;

    private long send(Path script, String address, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", script.toString(), address));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.exitValue()).as(out).isZero();
        return Long.parseLong(out);
    }

    private static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void theSenderIsNamedByTheKernelAndPassedDescriptorsAreClosed() throws Exception {
        Path script = Files.writeString(dir.resolve("send.py"), SENDER);
        Path path = dir.resolve("notify");
        List<Notification> got = new CopyOnWriteArrayList<>();
        try (NotifySocket socket = NotifySocket.bind(path)) {
            socket.start(got::add);
            assertThat(socket.address()).isEqualTo(path.toString());
            assertThat(Files.getPosixFilePermissions(path)).hasSize(6); // rw-rw-rw-

            long pid = send(script, socket.address(), "STATUS=hello");
            await().atMost(BOUND).until(() -> got.size() == 1);
            assertThat(got.get(0).sender().pid()).isEqualTo(pid);
            assertThat(got.get(0).message().status()).contains("hello");

            long before = openDescriptors();
            send(script, socket.address(), "STATUS=with fds", "fds");
            await().atMost(BOUND).until(() -> got.size() == 2);
            assertThat(openDescriptors()).as("the three passed descriptors were closed").isEqualTo(before);
            assertThat(socket.received()).isEqualTo(2);
            assertThat(socket.garbage()).isZero();
        }
        assertThat(Files.exists(path)).as("removed by close").isFalse();
    }

    @Test
    void aPathTooLongForSunPathGetsAnAbstractAddress() throws Exception {
        Path script = Files.writeString(dir.resolve("send.py"), SENDER);
        Path deep = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(60)));
        List<Notification> got = new CopyOnWriteArrayList<>();
        try (NotifySocket socket = NotifySocket.bind(deep.resolve("notify"))) {
            socket.start(got::add);
            assertThat(socket.address()).startsWith("@svd-notify-");
            send(script, socket.address(), "READY=1");
            await().atMost(BOUND).until(() -> got.size() == 1);
            assertThat(got.get(0).message().ready()).isTrue();
        }
        assertThat(Files.exists(deep.resolve("notify"))).isFalse();
    }

    @Test
    void aStaleSocketIsReplacedAndAnythingElseIsRefused() throws Exception {
        Path path = dir.resolve("notify");
        NotifySocket first = NotifySocket.bind(path);
        // a killed svd leaves its socket file: the next one replaces it
        try (NotifySocket second = NotifySocket.bind(path)) {
            assertThat(second.address()).isEqualTo(path.toString());
        } finally {
            first.close();
        }
        Path file = Files.writeString(dir.resolve("notify-file"), "not a socket");
        try {
            NotifySocket.bind(file).close();
            throw new AssertionError("bound over a regular file");
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("exists and is not a socket");
        }
        assertThat(Files.readString(file)).isEqualTo("not a socket");
    }
}
