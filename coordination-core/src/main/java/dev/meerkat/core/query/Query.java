package dev.meerkat.core.query;

import java.util.List;

/** Reads and watch registrations a client can make. They are answered from the local tree and never logged. */
public sealed interface Query {

    record GetData(String path, boolean watch) implements Query {
    }

    /** Exists: on a missing node the watch waits for its creation. */
    record Exists(String path, boolean watch) implements Query {
    }

    record GetChildren(String path, boolean watch) implements Query {
    }

    record GetAcl(String path) implements Query {
    }

    /** This session's ephemeral nodes under a prefix ("/" for all). */
    record GetEphemerals(String prefixPath) implements Query {
    }

    record GetAllChildrenNumber(String path) implements Query {
    }

    /** Each op (GetData or GetChildren) is answered on its own, errors included. */
    record MultiRead(List<Query> ops) implements Query {
    }

    /** A reconnecting client's watches, with the last zxid it saw: missed changes fire at once, the rest re-arm. */
    record SetWatches(long relativeZxid, List<String> dataWatches, List<String> existWatches, List<String> childWatches,
                      List<String> persistentWatches, List<String> recursiveWatches) implements Query {
    }

    /** addWatch: mode 0 persistent, 1 persistent recursive. */
    record AddWatch(String path, int mode) implements Query {
    }

    /**
     * removeWatches ({@code checkOnly} false) or checkWatches (true). Type: 1 children, 2 data, 3 any,
     * 4 persistent, 5 persistent recursive.
     */
    record RemoveWatches(String path, int type, boolean checkOnly) implements Query {
    }
}
