package dev.meerkat.it.crash;

import java.util.Map;

/**
 * A write whose reply was lost (ConnectionLoss when the server was killed): it may or may not have
 * been applied, but it must be applied whole or not at all.
 *
 * @param description   the operation, for failure messages
 * @param effect        in the writer's own subtree, the state of each path it touches if it was
 *                      applied (a null value: the path is absent); empty for an operation with no effect
 * @param seqCreateData for a sequential create under the shared parent: its (unique) data, since the
 *                      name it would have got is unknown; else null
 * @param seqDeletePath for a delete under the shared parent: that path; else null
 */
record Uncertain(String description, Map<String, NodeState> effect, String seqCreateData, String seqDeletePath) {
    static Uncertain inSubtree(String description, Map<String, NodeState> effect) {
        return new Uncertain(description, effect, null, null);
    }

    static Uncertain seqCreate(String description, String data) {
        return new Uncertain(description, Map.of(), data, null);
    }

    static Uncertain seqDelete(String description, String path) {
        return new Uncertain(description, Map.of(), null, path);
    }
}
