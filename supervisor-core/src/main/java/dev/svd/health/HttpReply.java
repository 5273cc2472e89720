package dev.svd.health;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an HTTP/1.x response a probe looks at, parsed from the bytes read so far. Pure.
 *
 * @param headers only those a probe looks at ({@code content-length}, {@code transfer-encoding},
 *                {@code location}), names in lower case; a repeated header keeps its last value
 * @param body    decoded as UTF-8 (chunked transfer coding removed), possibly cut at the read limit
 */
record HttpReply(int status, String reason, Map<String, String> headers, String body) {
    /** The bytes do not form an HTTP response; the message says what came instead. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * The response in {@code bytes[0..length)}, or empty when more bytes are needed. {@code end}: no
     * more will come (the peer closed, or the read limit was reached), so whatever is there is taken.
     */
    static Optional<HttpReply> parse(byte[] bytes, int length, boolean end) throws Malformed {
        // By hand, without regular expressions or String.split("\r\n") (a regex): an idle svd runs
        // this a few times a minute, interpreted, and a pattern compiled per call was most of its cost
        // (docs/benchmarks.md, "Probes at idle").
        int head = indexOf(bytes, length, CRLFCRLF, 0);
        if (length >= 5 && !startsWithHttp(bytes)) {
            throw new Malformed("the answer is not HTTP (it starts with " + printable(bytes, Math.min(length, 16)) + ")");
        }
        if (head < 0) {
            if (!end) {
                return Optional.empty();
            }
            throw new Malformed(length == 0 ? "the connection was closed without an answer"
                    : "the answer ended inside its headers (" + length + " bytes)");
        }
        int statusEnd = indexOf(bytes, head, CRLF, 0);
        if (statusEnd < 0) {
            statusEnd = head;
        }
        String statusLine = new String(bytes, 0, statusEnd, StandardCharsets.ISO_8859_1);
        int firstSpace = statusLine.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : statusLine.indexOf(' ', firstSpace + 1);
        String code = firstSpace < 0 ? "" : statusLine.substring(firstSpace + 1, secondSpace < 0 ? statusLine.length() : secondSpace);
        if (firstSpace < 0 || !isStatusCode(code)) {
            throw new Malformed("the status line is not HTTP: \"" + statusLine + "\"");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int at = statusEnd + 2; at < head; ) {
            int lineEnd = indexOf(bytes, head, CRLF, at);
            if (lineEnd < 0) {
                lineEnd = head;
            }
            int colon = indexOf(bytes, lineEnd, COLON, at);
            String name = colon > at ? kept(bytes, at, colon) : null;
            if (name != null) {
                headers.put(name, new String(bytes, colon + 1, lineEnd - colon - 1, StandardCharsets.ISO_8859_1).trim());
            }
            at = lineEnd + 2;
        }
        int bodyStart = head + 4;
        int bodyLength = length - bodyStart;
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            Optional<byte[]> decoded = dechunk(bytes, bodyStart, length);
            if (decoded.isEmpty() && !end) {
                return Optional.empty();
            }
            body = decoded.orElseGet(() -> java.util.Arrays.copyOfRange(bytes, bodyStart, length));
        } else {
            String contentLength = headers.get("content-length");
            if (contentLength != null && isNumber(contentLength, 10, 9)) {
                int expected = Integer.parseInt(contentLength);
                if (bodyLength < expected && !end) {
                    return Optional.empty();
                }
                bodyLength = Math.min(bodyLength, expected);
            } else if (!end) {
                return Optional.empty();
            }
            body = java.util.Arrays.copyOfRange(bytes, bodyStart, bodyStart + bodyLength);
        }
        return Optional.of(new HttpReply(Integer.parseInt(code), secondSpace < 0 ? "" : statusLine.substring(secondSpace + 1),
                headers, new String(body, StandardCharsets.UTF_8)));
    }

    /** The headers a probe looks at (framing, and a redirect's target for the diagnosis); others are skipped unread. */
    private static final String[] KEPT = {"content-length", "transfer-encoding", "location"};

    /**
     * The name of the header in {@code bytes[from..to)} when it is one of {@link #KEPT} (compared
     * without case, around spaces), else null. No String per header: a server sends a dozen.
     */
    private static String kept(byte[] bytes, int from, int to) {
        while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
            from++;
        }
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
            to--;
        }
        for (String name : KEPT) {
            if (name.length() == to - from && matches(bytes, from, name)) {
                return name;
            }
        }
        return null;
    }

    private static boolean matches(byte[] bytes, int from, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            int b = bytes[from + i];
            if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON = {':'};

    private static boolean startsWithHttp(byte[] bytes) {
        return bytes[0] == 'H' && bytes[1] == 'T' && bytes[2] == 'T' && bytes[3] == 'P' && bytes[4] == '/';
    }

    /** Three digits, the first 1-5 (RFC 9110 15: the status classes). */
    private static boolean isStatusCode(String s) {
        return s.length() == 3 && s.charAt(0) >= '1' && s.charAt(0) <= '5' && s.charAt(1) >= '0' && s.charAt(1) <= '9'
                && s.charAt(2) >= '0' && s.charAt(2) <= '9';
    }

    /** 1 to {@code maxDigits} digits of {@code radix} (10 or 16), ASCII only. */
    private static boolean isNumber(String s, int radix, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The body of a complete chunked message (RFC 9112 7.1), or empty when its last chunk has not come. */
    private static Optional<byte[]> dechunk(byte[] bytes, int from, int to) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOf(bytes, to, CRLF, at);
            if (lineEnd < 0) {
                return Optional.empty();
            }
            String sizeText = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
            if (!isNumber(sizeText, 16, 7)) {
                return Optional.empty();
            }
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                return Optional.of(out.toByteArray());
            }
            int dataStart = lineEnd + 2;
            if (dataStart + size + 2 > to) {
                return Optional.empty();
            }
            out.write(bytes, dataStart, size);
            at = dataStart + size + 2;
        }
    }

    private static int indexOf(byte[] bytes, int length, byte[] needle, int from) {
        outer:
        for (int i = from; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Bytes as text with non-printables as \xNN, for "it starts with \x15\x03\x03": a TLS alert. */
    static String printable(byte[] bytes, int length) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xff;
            s.append(b >= 0x20 && b < 0x7f && b != '"' ? Character.toString(b) : String.format("\\x%02x", b));
        }
        return s.append('"').toString();
    }
}
