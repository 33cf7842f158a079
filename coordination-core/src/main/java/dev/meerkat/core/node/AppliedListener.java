package dev.meerkat.core.node;

import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.state.Applied;
import dev.meerkat.core.tree.DataTree;

/**
 * Sees every committed command right after it was applied, on the thread that applies it (the tree
 * thread). Every replica applies the same committed entries, so a listener sees the same sequence on
 * every server of an ensemble.
 *
 * <p>It runs inside the apply loop: it must only record what changed and hand it off (no decoding,
 * no I/O, no lock waits, no unbounded growth). The tree may be read during the call, never kept or
 * written.
 */
@FunctionalInterface
public interface AppliedListener {
    /**
     * @param zxid     the entry's index
     * @param proposal the leader's time and the command (e.g. {@code CloseSession(expired)})
     * @param applied  its result, the watch events it fired and the session it closed, if any
     * @param tree     the tree as it is right after this entry
     */
    void applied(long zxid, Proposal proposal, Applied applied, DataTree tree);

    /**
     * The whole state was replaced by a snapshot from the leader: whatever the listener derived
     * from earlier entries must be read again from {@code tree}. On the tree thread, like {@link #applied}.
     */
    default void stateReplaced(DataTree tree, long lastApplied) {
    }
}
