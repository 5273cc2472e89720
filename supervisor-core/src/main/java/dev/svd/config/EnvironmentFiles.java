package dev.svd.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code environment-file}s with the syntax of systemd's EnvironmentFile= (systemd.exec(5);
 * the rules, and where svd is stricter, are in docs/configuration.md). Stateless; any thread.
 * Read at load time ({@code --check}, {@code reread}) and again before every spawn.
 */
public final class EnvironmentFiles {
    /** Larger files are refused: an environment is a few kilobytes, and svd reads it before every start. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** A variable name as systemd accepts one (env_name_is_valid): letters, digits, underscore, no leading digit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentFiles() {}

    /** One problem with one file; {@code line} is 0 when it concerns the whole file. */
    public record Problem(Path file, int line, String message) {
        @Override
        public String toString() {
            return (line > 0 ? file + ":" + line : file.toString()) + ": " + message;
        }
    }

    /** The files of a service could not be read or parsed: every problem found, in file order. */
    public static final class EnvironmentFileException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<Problem> problems;

        EnvironmentFileException(List<Problem> problems) {
            super(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /**
     * The environment a process of {@code spec} gets on top of svd's own: its {@code environment}
     * block, overridden by the files in order (later files win), as systemd's EnvironmentFile=
     * overrides Environment=.
     */
    public static Map<String, String> environment(ServiceSpec spec) throws EnvironmentFileException {
        if (spec.environmentFile().isEmpty()) {
            return spec.environment();
        }
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.putAll(read(spec.environmentFile()));
        return env;
    }

    /** The variables of {@code files}, later files overriding earlier ones; every problem of every file. */
    public static Map<String, String> read(List<EnvironmentFile> files) throws EnvironmentFileException {
        Map<String, String> env = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (EnvironmentFile f : files) {
            read(f, env, problems);
        }
        if (!problems.isEmpty()) {
            throw new EnvironmentFileException(problems);
        }
        return env;
    }

    /** Adds the variables of {@code f} to {@code env}, or its problems to {@code problems}. */
    static void read(EnvironmentFile f, Map<String, String> env, List<Problem> problems) {
        Path path = f.path();
        BasicFileAttributes attrs;
        try {
            // stat, not open: opening a FIFO would block until someone writes to it
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (!f.optional()) {
                problems.add(new Problem(path, 0, "no such file (create it, or write \"-" + path
                        + "\" if it may be missing)"));
            }
            return;
        } catch (IOException e) {
            problems.add(new Problem(path, 0, "cannot read: " + reason(e)));
            return;
        }
        if (!attrs.isRegularFile()) {
            problems.add(new Problem(path, 0, "not a regular file (" + kind(attrs) + "); svd reads only regular files"));
            return;
        }
        if (attrs.size() > MAX_BYTES) {
            problems.add(new Problem(path, 0, "too large (" + attrs.size() + " bytes; at most " + MAX_BYTES + ")"));
            return;
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            problems.add(new Problem(path, 0, "cannot read: " + reason(e)));
            return;
        }
        if (bytes.length > MAX_BYTES) {
            problems.add(new Problem(path, 0, "too large (more than " + MAX_BYTES + " bytes)"));
            return;
        }
        parse(path, bytes, env, problems);
    }

    /** Decodes {@code bytes} as UTF-8 (systemd requires it) and parses them. */
    static void parse(Path path, byte[] bytes, Map<String, String> env, List<Problem> problems) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            problems.add(new Problem(path, line, "not valid UTF-8 (byte " + (in.position() + 1) + ")"));
            return;
        }
        out.flip();
        new Parser(path, out.toString(), env, problems).run();
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (svd runs as " + System.getProperty("user.name") + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String kind(BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        return a.isOther() ? "a FIFO, socket or device" : "not a file";
    }

    /**
     * One pass over the text, one character at a time. The states follow the rules of
     * systemd.exec(5) EnvironmentFile= as written out in docs/configuration.md.
     */
    private static final class Parser {
        private enum State { LINE_START, KEY, BEFORE_VALUE, UNQUOTED, UNQUOTED_ESCAPE, SINGLE, DOUBLE, DOUBLE_ESCAPE, COMMENT }

        private final Path path;
        private final String text;
        private final Map<String, String> env;
        private final List<Problem> problems;
        private final StringBuilder key = new StringBuilder();
        private final StringBuilder value = new StringBuilder();
        /** Length of {@link #value} without the unquoted, unescaped whitespace at its end. */
        private int kept;
        private int line = 1;
        private int keyLine;
        private int quoteLine;

        Parser(Path path, String text, Map<String, String> env, List<Problem> problems) {
            this.path = path;
            this.text = text;
            this.env = env;
            this.problems = problems;
        }

        void run() {
            State s = State.LINE_START;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean newline = c == '\n' || c == '\r';
                if (newline) {
                    c = '\n'; // a quoted value keeps its line ends as LF
                }
                if (text.charAt(i) == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++; // CRLF is one line end
                }
                if (c == '\0') {
                    problems.add(new Problem(path, line, "contains a NUL character, which no environment variable can hold"));
                    return;
                }
                s = step(s, c, newline);
                if (newline) {
                    line++;
                }
            }
            switch (s) {
                case SINGLE, DOUBLE, DOUBLE_ESCAPE -> problems.add(new Problem(path, quoteLine,
                        "the quote opened here is never closed (for " + key.toString().strip() + ")"));
                case BEFORE_VALUE, UNQUOTED, UNQUOTED_ESCAPE -> assignment();
                default -> { } // a last line without "=" or a comment: nothing to add
            }
        }

        private State step(State s, char c, boolean newline) {
            boolean blank = c == ' ' || c == '\t';
            switch (s) {
                case LINE_START:
                    if (c == '#' || c == ';') {
                        return State.COMMENT;
                    }
                    if (newline || blank) {
                        return s;
                    }
                    key.setLength(0);
                    keyLine = line;
                    if (c == '=') {
                        return startValue(); // an empty name: a problem (systemd ignores the line)
                    }
                    key.append(c);
                    return State.KEY;
                case KEY:
                    if (newline) {
                        return State.LINE_START; // a line without "=" is ignored, as systemd does
                    }
                    if (c == '=') {
                        return startValue();
                    }
                    key.append(c);
                    return s;
                case BEFORE_VALUE:
                    if (newline) {
                        assignment();
                        return State.LINE_START;
                    }
                    if (c == '\'' || c == '"') {
                        quoteLine = line;
                        return c == '\'' ? State.SINGLE : State.DOUBLE;
                    }
                    if (c == '\\') {
                        return State.UNQUOTED_ESCAPE;
                    }
                    if (blank) {
                        return s;
                    }
                    keep(c);
                    return State.UNQUOTED;
                case UNQUOTED:
                    if (newline) {
                        assignment();
                        return State.LINE_START;
                    }
                    if (c == '\\') {
                        return State.UNQUOTED_ESCAPE;
                    }
                    if (blank) {
                        value.append(c);
                    } else {
                        keep(c);
                    }
                    return s;
                case UNQUOTED_ESCAPE:
                    if (!newline) {
                        keep(c); // "\x" is x; "\" before a line end continues the value on the next line
                    }
                    return State.UNQUOTED;
                case SINGLE:
                    if (c == '\'') {
                        return State.BEFORE_VALUE;
                    }
                    keep(c);
                    return s;
                case DOUBLE:
                    if (c == '"') {
                        return State.BEFORE_VALUE;
                    }
                    if (c == '\\') {
                        return State.DOUBLE_ESCAPE;
                    }
                    keep(c);
                    return s;
                case DOUBLE_ESCAPE:
                    if ("\"\\`$".indexOf(c) >= 0) {
                        keep(c);
                    } else if (!newline) {
                        keep('\\');
                        keep(c); // as the shell: a backslash before another character stays
                    }
                    return State.DOUBLE;
                case COMMENT:
                    return newline ? State.LINE_START : s; // a "\" at its end does not continue a comment
                default:
                    throw new IllegalStateException("unhandled state " + s);
            }
        }

        private State startValue() {
            value.setLength(0);
            kept = 0;
            return State.BEFORE_VALUE;
        }

        private void keep(char c) {
            value.append(c);
            kept = value.length();
        }

        private void assignment() {
            String name = key.toString().strip();
            String v = value.substring(0, kept);
            if (NAME.matcher(name).matches()) {
                env.put(name, v);
            } else if (name.startsWith("export ") || name.startsWith("export\t")) {
                problems.add(new Problem(path, keyLine, "\"" + name + "\": remove \"export\": the file is not a shell"
                        + " script (systemd would ignore this line)"));
            } else {
                problems.add(new Problem(path, keyLine, "\"" + name + "\" is not a variable name (letters, digits"
                        + " and _, not starting with a digit; systemd would ignore this line)"));
            }
        }
    }
}
