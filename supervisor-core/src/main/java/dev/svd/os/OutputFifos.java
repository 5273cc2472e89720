package dev.svd.os;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The named pipes a service with {@code on-leftover = adopt} writes its stdout and stderr into,
 * {@code DIR/NAME.stdout} and {@code DIR/NAME.stderr}, instead of anonymous pipes. A named pipe
 * outlives svd: when svd is killed, the service keeps its write ends, what it wrote stays in the
 * pipe, and the next svd opens the same pipes by name and reads on. Each spawn makes fresh ones,
 * so a name always means the service's newest process.
 */
final class OutputFifos {
    private final Path stdout;
    private final Path stderr;

    OutputFifos(Path dir, String service) {
        this.stdout = dir.resolve(service + ".stdout");
        this.stderr = dir.resolve(service + ".stderr");
    }

    /** Fresh pipes under both names (an older process keeps writing into its own), opened for a spawn. */
    Spawner.Stdio createAndOpen() throws SpawnException {
        make(stdout);
        make(stderr);
        int[] readers = openReaders();
        try {
            // The read ends are open, so opening the write ends does not wait for a reader.
            int outWrite = open(stdout, LibC.O_WRONLY | LibC.O_CLOEXEC);
            try {
                return new Spawner.Stdio(readers[0], outWrite, readers[1], open(stderr, LibC.O_WRONLY | LibC.O_CLOEXEC));
            } catch (SpawnException e) {
                SpawnCalls.close(outWrite);
                throw e;
            }
        } catch (SpawnException e) {
            SpawnCalls.close(readers[0]);
            SpawnCalls.close(readers[1]);
            throw e;
        }
    }

    /** Opens the read ends only, non-blocking: to read on from a process an earlier svd started. */
    int[] openReaders() throws SpawnException {
        int out = open(stdout, SpawnCalls.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        try {
            return new int[] {out, open(stderr, SpawnCalls.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC)};
        } catch (SpawnException e) {
            SpawnCalls.close(out);
            throw e;
        }
    }

    /** Whether {@code pid}'s stdout and stderr are these pipes (and not ones replaced since). */
    boolean writtenBy(int pid) {
        return linksTo(pid, 1, stdout) && linksTo(pid, 2, stderr);
    }

    private static boolean linksTo(int pid, int fd, Path fifo) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(fd)))
                    .equals(fifo.toAbsolutePath());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void make(Path fifo) throws SpawnException {
        Path fresh = fifo.resolveSibling(fifo.getFileName() + ".new");
        try {
            if (!Files.isDirectory(fifo.getParent())) {
                SafePaths.ensureDirectory(fifo.getParent(), "svd.state-dir's output directory",
                        SafePaths.PRIVATE_DIRECTORY, null);
            }
            Files.deleteIfExists(fresh); // mkfifo(3) below makes a new node, never follows a link
            LibC.C.mkfifo(fresh.toString(), 0600);
            try {
                Files.move(fresh, fifo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(fresh, fifo, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SpawnException("cannot make the named pipe " + fifo + " for the output: " + e.getMessage());
        } catch (LastErrorException e) {
            throw new SpawnException("cannot make the named pipe " + fifo + " for the output: "
                    + SpawnCalls.strerror(e.getErrorCode()));
        }
    }

    private static int open(Path fifo, int flags) throws SpawnException {
        try {
            return LibC.C.open(fifo.toString(), flags | LibC.O_NOFOLLOW); // a link there is refused (issue 12)
        } catch (LastErrorException e) {
            throw new SpawnException("cannot open the named pipe " + fifo + ": " + SpawnCalls.strerror(e.getErrorCode()),
                    SpawnException.kindOf(e.getErrorCode()));
        }
    }
}
