package dev.svd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports for tests' servers. */
public final class Ports {
    private Ports() {}

    /** A loopback port that nothing listened on a moment ago. */
    public static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code count} distinct loopback ports that were free a moment ago, all bound at once so none repeats. */
    public static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // only a probe of the port
                }
            }
        }
    }
}
