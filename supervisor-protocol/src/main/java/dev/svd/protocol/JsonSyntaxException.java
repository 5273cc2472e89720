package dev.svd.protocol;

/**
 * Text that is not strict JSON (RFC 8259), or nests deeper than allowed. The message ends with the
 * 1-based column of the offending character, e.g. {@code "expected ':' after object key at column 9"}:
 * the protocol is one value per line, so a column is a position.
 */
public final class JsonSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int offset;

    public JsonSyntaxException(String problem, int offset) {
        super(problem + " at column " + (offset + 1));
        this.offset = offset;
    }

    /** 0-based index into the parsed text of the offending character (text length when it ended early). */
    public int offset() {
        return offset;
    }
}
