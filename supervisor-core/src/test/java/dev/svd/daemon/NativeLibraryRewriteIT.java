package dev.svd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * svd started as the launcher starts it ({@code -Dsvd.home} with JNA's library in
 * {@code lib/native/}) survives that library being written over in place while it runs, as a
 * rebuild of the distribution or {@code cp} over an installed svd does. Before svd mapped a
 * private copy, the next JNA call (reading a control client's SO_PEERCRED) crashed the JVM with
 * SIGSEGV (docs/decisions/0004-jvm-platform-facts.md, section 8).
 */
class NativeLibraryRewriteIT {
    @TempDir
    Path dir;

    @Test
    void svdAnswersAfterItsShippedNativeLibraryIsRewrittenInPlace() throws Exception {
        assumeThat(System.getProperty("os.arch")).isIn("amd64", "x86_64");
        Path native_ = dir.resolve("home/lib/native/linux-x86-64");
        Files.createDirectories(native_);
        Path shipped = native_.resolve("libjnidispatch.so");
        byte[] library;
        try (InputStream in = com.sun.jna.Native.class.getResourceAsStream("/com/sun/jna/linux-x86-64/libjnidispatch.so")) {
            assertThat(in).as("JNA's jar carries its x86-64 library").isNotNull();
            library = in.readAllBytes();
        }
        Files.write(shipped, library);
        Path socket = dir.resolve("svd.sock");
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + socket + "\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\" }\n"
                + "services { idle { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/idle.pid; exec sleep 1000\"],"
                + " start-seconds = 0s } }\n");
        try (SvdProcess svd = SvdProcess.start(dir, Map.of("JAVA_TOOL_OPTIONS",
                "-Dsvd.home=" + dir.resolve("home") + " -XX:ErrorFile=" + dir + "/hs_err_pid%p.log"),
                "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> status(socket).contains("\"idle\""));

            Object inode = Files.readAttributes(shipped, BasicFileAttributes.class).fileKey();
            Files.write(shipped, library); // truncates and writes the same file, as cp and unzip -o do
            assertThat(Files.readAttributes(shipped, BasicFileAttributes.class).fileKey())
                    .as("the test rewrote the file in place").isEqualTo(inode);

            String after = status(socket);
            assertThat(after).as("svd's answer after the rewrite; svd's stdout:\n%s", svd.stdout()).contains("\"idle\"");
            assertThat(svd.isAlive()).as("svd after the rewrite; its stdout:\n%s", svd.stdout()).isTrue();
            assertThat(dir.toFile().list((d, name) -> name.startsWith("hs_err"))).as("JVM crash reports").isEmpty();
            assertThat(mapsOf(svd.pid())).as("svd maps JNA's library, but not the shipped file")
                    .contains("libjnidispatch.so").doesNotContain(shipped.toString());
        }
    }

    /** One status request on a new connection, as svctl sends it; its answer, or "" when the connection broke. */
    private static String status(Path socket) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap("{\"v\":1,\"id\":\"1\",\"cmd\":\"status\"}\n".getBytes(StandardCharsets.UTF_8)));
            String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            return "";
        }
    }

    private static String mapsOf(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/maps"));
    }
}
