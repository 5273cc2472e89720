package dev.svd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    @Test
    void rootLevelIsWhatLogbackXmlMadeOfSvdLogLevel() {
        assertEquals(Level.INFO, LogSetup.rootLevel(null));
        assertEquals(Level.WARN, LogSetup.rootLevel("WARN"));
        assertEquals(Level.DEBUG, LogSetup.rootLevel("debug"));
        assertEquals(Level.DEBUG, LogSetup.rootLevel("nonsense"));
    }

    @Test
    void aLogbackTestXmlOnTheClassPathWins() {
        LoggerContext context = new LoggerContext();
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, setup.configure(context));
    }
}
