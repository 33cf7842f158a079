package dev.meerkat.core.command;

/**
 * A command as it sits in the log: stamped with the leader's clock (apply reads no clock of its
 * own) and tagged with where it came from, so that only the server holding the client's connection
 * answers it.
 *
 * @param time         the leader's wall clock in epoch milliseconds when it accepted the command
 * @param originServer id of the server that received the request (0 for commands nobody awaits)
 * @param requestId    that server's id for the waiting request
 */
public record Proposal(long time, long originServer, long requestId, Command command) {
}
