package dev.svd.logs;

/**
 * A line as a regular expression sees it, counting every character read: a pattern that backtracks
 * catastrophically on a line (such as {@code (.*a){20}} on a long line of a) is stopped after {@link #STEPS} reads with
 * {@link TooCostly} instead of holding a control thread for hours (docs/svctl.md, "logs"). The JDK's
 * matcher reads its input only through {@link #charAt}. Not thread-safe.
 */
final class BoundedText implements CharSequence {
    /** The most characters one match of one line may read. */
    static final long STEPS = 1_000_000;

    /** The search stopped: the pattern needed more than {@link #STEPS} steps on one line. */
    static final class TooCostly extends RuntimeException {
        TooCostly() {
            super(null, null, false, false);
        }
    }

    private final String text;
    private final int offset;
    private final int length;
    private final long[] steps;

    BoundedText(String text) {
        this(text, 0, text.length(), new long[] {0});
    }

    private BoundedText(String text, int offset, int length, long[] steps) {
        this.text = text;
        this.offset = offset;
        this.length = length;
        this.steps = steps;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (++steps[0] > STEPS) {
            throw new TooCostly();
        }
        return text.charAt(offset + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text, offset + start, end - start, steps);
    }

    @Override
    public String toString() {
        return text.substring(offset, offset + length);
    }
}
