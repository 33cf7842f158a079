package dev.meerkat.core.storage;

/** A data directory cannot be used; the message is written for the operator who has to fix it. */
public class DataDirectoryException extends RuntimeException {
    public DataDirectoryException(String message) {
        super(message);
    }

    public DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
