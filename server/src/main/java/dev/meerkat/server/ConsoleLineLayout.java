package dev.meerkat.server;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.util.TimeZone;

/**
 * One log line as {@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n} gives it, written
 * out by hand: logback's pattern parser and its converters are some 80 classes that a cold start
 * loads before its first line, for a pattern that never changes.
 */
final class ConsoleLineLayout extends LayoutBase<ILoggingEvent> {
    private static final long DAY_MS = 86_400_000L;
    private static final int LOGGER_NAME_CHARS = 20;
    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(LOGGER_NAME_CHARS);
    private final TimeZone zone;

    ConsoleLineLayout() {
        this(TimeZone.getDefault());
    }

    ConsoleLineLayout(TimeZone zone) {
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        long epochMs = event.getTimeStamp();
        long msOfDay = Math.floorMod(epochMs + zone.getOffset(epochMs), DAY_MS);
        two(line, msOfDay / 3_600_000).append(':');
        two(line, msOfDay / 60_000 % 60).append(':');
        two(line, msOfDay / 1_000 % 60).append('.');
        long ms = msOfDay % 1_000;
        if (ms < 100) line.append('0');
        two(line, ms).append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) line.append(' ');
        line.append(" [").append(event.getThreadName()).append("] ");
        line.append(abbreviator.abbreviate(event.getLoggerName())).append(" - ");
        line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) line.append(ThrowableProxyUtil.asString(thrown)); // ends with its own line separator
        return line.toString();
    }

    private static StringBuilder two(StringBuilder b, long value) {
        if (value < 10) b.append('0');
        return b.append(value);
    }
}
