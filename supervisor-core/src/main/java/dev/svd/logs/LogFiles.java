package dev.svd.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One service's log files opened for reading, oldest first ({@code NAME.log.KEEP ... NAME.log.1
 * NAME.log}, docs/logging.md "Rotation"), seen as one run of bytes: offset 0 is the oldest file's
 * first byte. Every file is opened at once, so a rotation while a request reads renames files under
 * it without changing what it reads; the sizes are those at opening. Used by one thread.
 */
final class LogFiles implements AutoCloseable {
    private final List<Path> paths;
    private final List<FileChannel> channels;
    /** starts[i]: the offset of file i's first byte; starts[n] is the total. */
    private final long[] starts;
    /** Bytes read so far, all files together (tests check that a search reads only what it needs). */
    private long bytesRead;

    private LogFiles(List<Path> paths, List<FileChannel> channels, long[] starts) {
        this.paths = paths;
        this.channels = channels;
        this.starts = starts;
    }

    /** The files {@code dir/base}, {@code dir/base.N} (any N) that exist; none when the directory does not. */
    static LogFiles open(Path dir, String base) throws IOException {
        TreeMap<Integer, Path> rotated = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(base + "."))) {
            for (Path p : entries) {
                String suffix = p.getFileName().toString().substring(base.length() + 1);
                if (!suffix.isEmpty() && suffix.length() <= 9 && suffix.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    rotated.put(Integer.parseInt(suffix), p);
                }
            }
        } catch (NoSuchFileException e) {
            return new LogFiles(List.of(), List.of(), new long[1]);
        }
        List<Path> candidates = new ArrayList<>(rotated.descendingMap().values());
        candidates.add(dir.resolve(base));
        List<Path> paths = new ArrayList<>();
        List<FileChannel> channels = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        try {
            for (Path p : candidates) {
                FileChannel ch;
                try {
                    // Never through a link, as the files are written (docs/logging.md).
                    ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // rotated away between listing and opening, or never written
                }
                channels.add(ch);
                paths.add(p);
                sizes.add(ch.size());
            }
        } catch (IOException | RuntimeException e) {
            for (FileChannel ch : channels) {
                ch.close();
            }
            throw e;
        }
        long[] starts = new long[paths.size() + 1];
        for (int i = 0; i < paths.size(); i++) {
            starts[i + 1] = starts[i] + sizes.get(i);
        }
        return new LogFiles(paths, channels, starts);
    }

    long total() {
        return starts[starts.length - 1];
    }

    int count() {
        return paths.size();
    }

    Path path(int file) {
        return paths.get(file);
    }

    long start(int file) {
        return starts[file];
    }

    long end(int file) {
        return starts[file + 1];
    }

    /** The file holding byte {@code offset} (the last file for the total). */
    int fileAt(long offset) {
        for (int i = 0; i < paths.size(); i++) {
            if (offset < starts[i + 1]) {
                return i;
            }
        }
        return paths.size() - 1;
    }

    /** Reads from {@code offset} into {@code into}, never past the end of the file holding it; -1 at the end. */
    int read(long offset, ByteBuffer into) throws IOException {
        if (offset >= total()) {
            return -1;
        }
        int file = fileAt(offset);
        long left = starts[file + 1] - offset;
        if (into.remaining() > left) {
            into.limit(into.position() + (int) left);
        }
        int n = channels.get(file).read(into, offset - starts[file]);
        if (n > 0) {
            bytesRead += n;
        }
        return n < 0 ? -1 : n;
    }

    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        IOException failed = null;
        for (FileChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
