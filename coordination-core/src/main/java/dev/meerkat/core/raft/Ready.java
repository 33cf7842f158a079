package dev.meerkat.core.raft;

import dev.meerkat.core.log.HardState;
import dev.meerkat.core.log.LogEntry;
import dev.meerkat.core.log.LogStore;

import java.util.List;

/**
 * Work the caller must do for the node, in this order:
 * <ol>
 *   <li>write {@link #snapshotChunks()} to the snapshot being received (an offset of 0 starts a new one);</li>
 *   <li>if {@link #snapshot()} is set: the received bytes are complete: make them the newest
 *       snapshot of the {@link SnapshotSource}, restore the state machine from them, then
 *       {@code LogStore.resetToSnapshot(index, term)};</li>
 *   <li>append {@link #entriesToPersist()} to the LogStore (it truncates a conflicting suffix);</li>
 *   <li>if {@link #mustSync()}: {@code LogStore.sync()};</li>
 *   <li>if {@link #hardState()} is non-null: {@code LogStore.saveHardState(hardState)};</li>
 *   <li>only now send {@link #messages()}: vote grants and append acknowledgements promise that
 *       the state above is durable;</li>
 *   <li>apply {@link #committedEntries()} in order, serve {@link #readStates()} once applied;</li>
 *   <li>call {@code RaftNode.advance(this)}.</li>
 * </ol>
 *
 * @param hardState        term/vote/commit to save, or null when unchanged since the last Ready
 * @param entriesToPersist new log entries, possibly replacing a suffix of the persisted log
 * @param snapshotChunks   received snapshot bytes to write before the messages go out
 * @param snapshot         a snapshot received from the leader to install, or null
 * @param committedEntries entries now known committed, to apply in order
 * @param messages         messages to send once the above is durable
 * @param readStates       answered read-index requests
 * @param mustSync         whether the writes must be fsynced before the messages go out
 */
public record Ready(
        HardState hardState,
        List<LogEntry> entriesToPersist,
        List<SnapshotChunk> snapshotChunks,
        IncomingSnapshot snapshot,
        List<LogEntry> committedEntries,
        List<RaftMessage> messages,
        List<ReadState> readStates,
        boolean mustSync) {

    /**
     * Steps 3 to 5 above: appends the entries, syncs if needed, saves the hard state. Call it after
     * installing {@link #snapshot()} (which needs the state machine) and before sending anything.
     */
    public void persistTo(LogStore store) {
        store.append(entriesToPersist);
        if (mustSync) store.sync();
        if (hardState != null) store.saveHardState(hardState);
    }
}
