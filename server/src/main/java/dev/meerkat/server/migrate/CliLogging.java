package dev.meerkat.server.migrate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The import and export commands talk through their progress and summary; the storage layers' INFO logs would drown them. */
final class CliLogging {
    private CliLogging() {
    }

    /** Raises the root log level to WARN unless asked to be verbose (or it is already that quiet). */
    static void quiet(boolean verbose) {
        if (verbose) return;
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root
                && (root.getLevel() == null || !root.getLevel().isGreaterOrEqual(Level.WARN))) {
            root.setLevel(Level.WARN);
        }
    }
}
