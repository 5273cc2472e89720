package dev.svd.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * svd's own log, set up in code (found by Logback through {@code META-INF/services}) instead of
 * from a {@code logback.xml}: reading XML takes Logback's Joran and the JDK's XML parser, some
 * 550 classes that then stay loaded for the daemon's whole life (about 2 MB of an idle svd,
 * docs/benchmarks.md). The result is what that file said: short lines on stdout next to the
 * services' prefixed output, {@code HH:mm:ss.SSS svd LEVEL message}; {@code org.quartz} at WARN;
 * the root level from {@code SVD_LOG_LEVEL} (a system property, else the environment variable),
 * INFO when unset, and as Logback reads a level: an unknown name is DEBUG. {@code SVD_LOG_FORMAT=json}
 * (likewise) writes JSON lines instead ({@link JsonLogEncoder}, issue 15).
 *
 * <p>A configuration file still wins when there is one: {@code -Dlogback.configurationFile=...}
 * or a {@code logback-test.xml} on the class path (the tests'): then Logback goes on to its own
 * configurators as before.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} svd %-5level %msg%n";
    static final String LEVEL_VARIABLE = "SVD_LOG_LEVEL";
    /** {@code text} (the default) or {@code json}: one JSON object per line (docs/daemon.md). */
    static final String FORMAT_VARIABLE = "SVD_LOG_FORMAT";

    public LogSetup() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || LogSetup.class.getClassLoader().getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Encoder<ILoggingEvent> encoder = encoder(System.getProperty(FORMAT_VARIABLE, System.getenv(FORMAT_VARIABLE)));
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();
        context.getLogger("org.quartz").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel(System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE))));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * The encoder {@code SVD_LOG_FORMAT} names: {@code json} for {@link JsonLogEncoder}, unset or
     * {@code text} for the pattern; anything else is the pattern, said on stderr (nothing logs yet).
     */
    static Encoder<ILoggingEvent> encoder(String format) {
        if ("json".equals(format)) {
            return new JsonLogEncoder();
        }
        if (format != null && !format.equals("text")) {
            System.err.println("svd: " + FORMAT_VARIABLE + ": expected text or json (was \"" + format
                    + "\"); svd's log stays text");
        }
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setPattern(PATTERN);
        return pattern;
    }

    /** {@code ${SVD_LOG_LEVEL:-INFO}} as logback.xml had it: unset is INFO, anything else as Logback parses a level. */
    static Level rootLevel(String value) {
        return value == null ? Level.INFO : Level.toLevel(value);
    }
}
