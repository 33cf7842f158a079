package dev.meerkat.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.nio.charset.StandardCharsets;

/**
 * The runnable jar's default logging, set up in code: INFO to stderr, the libraries at WARN. Logback
 * reading an XML file costs a cold start some 300 classes (its XML configurator and the JDK's XML
 * parser) before the first line; this is the same configuration without them. A file named by
 * {@code -Dlogback.configurationFile} (the distribution's {@code conf/logback.xml}), or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path (an application's that runs the
 * server inside itself: this jar ships none), still wins: then this steps aside. The line's layout
 * is written out by hand too ({@link ConsoleLineLayout}).
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = ConsoleLogging.class.getClassLoader();
        return configure(context, System.getProperty("logback.configurationFile") != null,
                name -> loader.getResource(name) != null);
    }

    /** As {@link #configure(LoggerContext)}, told whether a file is named and which resources exist. */
    ExecutionStatus configure(LoggerContext context, boolean fileNamed, java.util.function.Predicate<String> resourceExists) {
        if (fileNamed || resourceExists.test("logback-test.xml") || resourceExists.test("logback.xml")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleLineLayout layout = new ConsoleLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        for (String quiet : new String[]{"net.openhft", "io.netty", "io.vertx"}) context.getLogger(quiet).setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
