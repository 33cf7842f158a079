package dev.meerkat.core.api;

/** A change a watcher is told about: what happened, to which path, at which zxid. */
public record WatchEvent(EventType type, String path, long zxid) {
}
