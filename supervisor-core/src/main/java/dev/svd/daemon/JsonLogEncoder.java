package dev.svd.daemon;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * svd's own log as JSON lines for log shippers ({@code SVD_LOG_FORMAT=json}, docs/daemon.md): one
 * object per event, {@code {"time","level","service","event","message"}} and {@code "stack"} when an
 * exception came with it. {@code service} is the MDC's {@code service}, else the subject of a message
 * written {@code "{}: ..."} (svd's convention for "NAME: what happened"), else absent. Every string is
 * escaped so that the line is valid JSON and valid UTF-8 whatever it holds: control characters as
 * {@code \\uXXXX}, a lone surrogate (from an undecodable file name) as U+FFFD. Used by Logback's
 * appender under its lock.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":");
        quote(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())), b);
        b.append(",\"level\":");
        quote(event.getLevel().toString(), b);
        String service = service(event);
        if (service != null) {
            b.append(",\"service\":");
            quote(service, b);
        }
        b.append(",\"event\":");
        String logger = event.getLoggerName();
        quote(logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1), b);
        b.append(",\"message\":");
        quote(event.getFormattedMessage() == null ? "" : event.getFormattedMessage(), b);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(",\"stack\":");
            quote(ThrowableProxyUtil.asString(thrown), b);
        }
        b.append("}\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String service(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String s = mdc == null ? null : mdc.get("service");
        if (s != null) {
            return s;
        }
        Object[] args = event.getArgumentArray();
        String pattern = event.getMessage();
        if (pattern != null && pattern.startsWith("{}: ") && args != null && args.length > 0 && args[0] instanceof String a) {
            return a;
        }
        return null;
    }

    /** {@code s} as a JSON string (RFC 8259) that encodes as valid UTF-8. */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
