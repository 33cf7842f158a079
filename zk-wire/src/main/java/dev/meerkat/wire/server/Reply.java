package dev.meerkat.wire.server;

import dev.meerkat.wire.proto.Response;

/** A reply to write: the error code for the header and, when it is 0, the body (null for a bare header). */
record Reply(int err, Response body) {
    static Reply ok(Response body) {
        return new Reply(0, body);
    }

    static Reply error(int err) {
        return new Reply(err, null);
    }
}
