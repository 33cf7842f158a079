package dev.meerkat.wire.server;

import dev.meerkat.wire.proto.Response;

/**
 * A reply to write: the error code for the header and, when it is 0, the body (null for a bare
 * header). {@code bodyOnError}: the body goes even with an error, as ZooKeeper sends a failed SASL
 * step (the client reads that body whatever the header says).
 */
record Reply(int err, Response body, boolean bodyOnError) {
    static Reply ok(Response body) {
        return new Reply(0, body, false);
    }

    static Reply error(int err) {
        return new Reply(err, null, false);
    }

    static Reply errorWithBody(int err, Response body) {
        return new Reply(err, body, true);
    }

    boolean hasBody() {
        return body != null && (err == 0 || bodyOnError);
    }
}
