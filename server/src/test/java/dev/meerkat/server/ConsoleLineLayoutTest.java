package dev.meerkat.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written line is the line logback's pattern gave, for every level, name length, hour and a stack trace. */
class ConsoleLineLayoutTest {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

    @Test
    void writesWhatThePatternItReplacesWrites() {
        check(PATTERN, new ConsoleLineLayout());
    }

    @Test
    void inTimeZonesAwayFromUtcToo() {
        for (String zone : new String[]{"Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"}) {
            check(PATTERN.replace("%d{HH:mm:ss.SSS}", "%d{HH:mm:ss.SSS, " + zone + "}"), new ConsoleLineLayout(java.util.TimeZone.getTimeZone(zone)));
        }
    }

    private static void check(String patternText, ConsoleLineLayout layout) {
        LoggerContext context = new LoggerContext();
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(patternText);
        pattern.start();
        layout.setContext(context);
        layout.start();

        List<LoggingEvent> events = new ArrayList<>();
        String[] loggers = {"dev.meerkat.core.node.Node", "x", "dev.meerkat.server.ops.AdminCommands$Inner", "averyveryverylongsinglesegmentloggername",
                "net.openhft.chronicle.queue.impl.single.SingleChronicleQueue"};
        Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
        long[] times = {0L, 1_764_633_599_999L, 1_764_633_600_000L, 1_764_650_000_007L, 1_790_000_000_123L, 1_711_846_800_500L};
        Throwable thrown = new IllegalStateException("outer", new java.io.IOException("inner cause"));
        int n = 0;
        for (String logger : loggers) {
            for (Level level : levels) {
                long t = times[n % times.length];
                LoggingEvent e = new LoggingEvent(ConsoleLineLayoutTest.class.getName(), context.getLogger(logger), level,
                        "message {} of {}", n % 7 == 0 ? thrown : null, new Object[]{n, "ü ∑"});
                e.setTimeStamp(t);
                e.setThreadName(n % 2 == 0 ? "main" : "meerkat-client-" + n);
                events.add(e);
                n++;
            }
        }
        for (LoggingEvent e : events) assertThat(layout.doLayout(e)).as(patternText).isEqualTo(pattern.doLayout(e));
    }
}
