package dev.meerkat.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The runnable jar's logging in code: the configuration its logback.xml used to give, unless the user gives one. */
class ConsoleLoggingTest {
    @Test
    void withoutAConfigurationOfTheUsersInfoGoesToStderrAndTheLibrariesAreQuieter() {
        LoggerContext context = new LoggerContext();
        ExecutionStatus status = new ConsoleLogging().configure(context, false, name -> false);
        assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(stderr).isNotNull();
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(stderr.isStarted()).isTrue();
        for (String quiet : Set.of("net.openhft", "io.netty", "io.vertx")) assertThat(context.getLogger(quiet).getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("dev.meerkat.core.node.Node").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aFileNamedOrALogbackXmlOnTheClassPathWins() {
        assertThat(new ConsoleLogging().configure(new LoggerContext(), true, name -> false)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(new ConsoleLogging().configure(new LoggerContext(), false, "logback.xml"::equals)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(new ConsoleLogging().configure(new LoggerContext(), false, "logback-test.xml"::equals)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        LoggerContext untouched = new LoggerContext();
        new ConsoleLogging().configure(untouched, true, name -> false);
        assertThat(untouched.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    }
}
