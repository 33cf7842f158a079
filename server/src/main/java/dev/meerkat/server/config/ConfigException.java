package dev.meerkat.server.config;

/** A configuration the server cannot run with; the message names the file and line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
