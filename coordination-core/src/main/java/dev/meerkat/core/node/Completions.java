package dev.meerkat.core.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a client's continuation on the tree thread so that, should it throw, the fault stays with
 * that request (its connection is the caller's to close; see the wire side's own guard) and the
 * node goes on applying the log for everyone else.
 */
final class Completions {
    private static final Logger LOG = LoggerFactory.getLogger(Completions.class);

    private Completions() {
    }

    static <T> void run(Completion<T> completion, T result, long zxid) {
        try {
            completion.complete(result, zxid);
        } catch (RuntimeException e) {
            LOG.error("a request's completion failed at zxid 0x{}; the node carries on", Long.toHexString(zxid), e);
        }
    }

    /** A task run on the tree thread for one caller (a query, a tree read); its fault is the caller's. */
    static void task(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed on the tree thread; the node carries on", what, e);
        }
    }
}
