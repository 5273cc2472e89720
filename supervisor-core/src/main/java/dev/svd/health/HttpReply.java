package dev.svd.health;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an HTTP/1.x response a probe looks at, parsed from the bytes read so far. Pure.
 *
 * @param headers names in lower case; a repeated header keeps its last value
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
        int head = indexOf(bytes, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (length >= 5 && !new String(bytes, 0, 5, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
            throw new Malformed("the answer is not HTTP (it starts with " + printable(bytes, Math.min(length, 16)) + ")");
        }
        if (head < 0) {
            if (!end) {
                return Optional.empty();
            }
            throw new Malformed(length == 0 ? "the connection was closed without an answer"
                    : "the answer ended inside its headers (" + length + " bytes)");
        }
        String[] lines = new String(bytes, 0, head, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[1].matches("[1-5][0-9][0-9]")) {
            throw new Malformed("the status line is not HTTP: \"" + lines[0] + "\"");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
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
            if (contentLength != null && contentLength.matches("[0-9]{1,9}")) {
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
        return Optional.of(new HttpReply(Integer.parseInt(statusLine[1]), statusLine.length > 2 ? statusLine[2] : "",
                headers, new String(body, StandardCharsets.UTF_8)));
    }

    /** The body of a complete chunked message (RFC 9112 7.1), or empty when its last chunk has not come. */
    private static Optional<byte[]> dechunk(byte[] bytes, int from, int to) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOf(bytes, to, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                return Optional.empty();
            }
            String sizeText = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
            if (!sizeText.matches("[0-9A-Fa-f]{1,7}")) {
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
