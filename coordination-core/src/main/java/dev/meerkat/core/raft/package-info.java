/**
 * Raft consensus as a pure, deterministic state machine ({@link dev.meerkat.core.raft.RaftNode}),
 * in the style of etcd's raft library.
 *
 * <h2>Driving a node</h2>
 * One thread owns a node and loops:
 * <pre>{@code
 * node.tick();                       // every tick interval (e.g. 100 ms)
 * node.step(message);                // for every message from a peer
 * node.propose(command);             // on the leader; false = not leader / back-pressure
 * while (node.hasReady()) {
 *     Ready r = node.ready();
 *     if (r.snapshot() != null) {    // received from the leader
 *         stateMachine.restore(r.snapshot().data());
 *         snapshotStore.save(r.snapshot());          // SnapshotSource.latest() returns it from now on
 *         logStore.resetToSnapshot(r.snapshot().index(), r.snapshot().term());
 *     }
 *     r.persistTo(logStore);         // append, fsync if r.mustSync(), save hard state
 *     transport.send(r.messages());  // only now: acks and vote grants promise durability
 *     stateMachine.apply(r.committedEntries());      // CONFIG entries carry Membership.encode()
 *     serveReads(r.readStates());    // once applied index >= readState.index()
 *     node.advance(r);
 * }
 * }</pre>
 * The caller snapshots its state machine on its own schedule, saves it where
 * {@link dev.meerkat.core.raft.SnapshotSource} finds it, then calls {@code LogStore.compact}.
 *
 * <h2>What the engine decides</h2>
 * Elections with randomised timeouts, pre-vote, check-quorum and leader stickiness; replication
 * with conflict back-off hints and per-follower flow control (probe / replicate / snapshot);
 * commit by counting only entries of the leader's own term; snapshots streamed in chunks;
 * read-index (heartbeat-confirmed or lease-based); leadership transfer; single-server membership
 * changes (a membership takes effect when its CONFIG entry is appended, one change at a time).
 */
package dev.meerkat.core.raft;
