package dev.meerkat.server.migrate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The import and export commands talk through their progress and summary; the storage layers' INFO logs would drown them. */
final class CliLogging {
    private CliLogging() {
    }

    static void quiet(boolean verbose) {
        if (verbose) return;
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root && root.getLevel() != null
                && root.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(Level.WARN);
    }
}
