package dev.meerkat.core.state;

import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.command.OpResult;

import java.util.List;

/**
 * What one applied entry produced: the result for whoever waits for it, the watch events to fire,
 * and, when a session ended, its id so the server holding its connection can close it.
 */
public record Applied(OpResult result, List<WatchEvent> events, long closedSessionId) {
}
