package dev.svd.os;

/**
 * An {@link OutputListener} that can take a stream's bytes straight from the pipe into its file
 * (splice(2)) instead of having them read into the JVM. Called on the pump thread, like output().
 */
public interface SplicingListener extends OutputListener {
    /**
     * The file the next (at most {@code max}) bytes of {@code stream} may be spliced into, at its
     * {@link SpliceFile#offset()}; null: not now (the pump reads them and calls output(), e.g. when
     * they might cross a rotation, someone follows the stream, or writing failed before).
     */
    SpliceFile spliceTarget(OutputKind stream, long max);

    /** {@code bytes} of {@code stream} went into the file from {@link #spliceTarget}; its offset has moved past them. */
    void spliced(OutputKind stream, long bytes);
}
