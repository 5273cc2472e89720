package dev.svd.os;

import dev.svd.config.Signal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A by-hand check, not a test: how long {@link Processes#spawn} takes for N {@code /bin/sleep}s on
 * one thread (the engine spawns a start batch on two), after a warm-up of 20, then SIGKILLs them all.
 * <pre>
 * java -XX:TieredStopAtLevel=1 -cp supervisor-core/target/classes:supervisor-core/target/test-classes:$(cat /tmp/svd-cp) \
 *     dev.svd.os.SpawnThroughput 200
 * </pre>
 */
public final class SpawnThroughput {
    private SpawnThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Map<Integer, Boolean> exited = new ConcurrentHashMap<>();
        OutputListener ignore = (OutputKind stream, ByteBuffer bytes) -> bytes.position(bytes.limit());
        SpawnRequest sleep = new SpawnRequest("s", List.of("/bin/sleep", "1000"), Optional.empty(), Map.of(),
                Optional.empty());
        List<Integer> pids = new ArrayList<>();
        try (Processes processes = new Processes((pid, status) -> exited.put(pid, true))) {
            for (int i = 0; i < 20; i++) {
                pids.add(processes.spawn(sleep, ignore));
            }
            int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<Integer>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> processes.spawn(sleep, ignore)));
            }
            for (java.util.concurrent.Future<Integer> f : futures) {
                pids.add(f.get());
            }
            long took = System.nanoTime() - start;
            pool.shutdown();
            System.out.printf("%d spawns on %d threads in %.1f ms: %.3f ms each%n", n, threads, took / 1e6, took / 1e6 / n);
            for (int pid : pids) {
                Kernel.signalGroup(pid, Signal.KILL);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (exited.size() < pids.size() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }
}
