package dev.meerkat.core.node;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.WatchEvent;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.log.MemoryLogStore;
import dev.meerkat.core.query.Query;
import dev.meerkat.core.query.QueryResult;
import dev.meerkat.core.state.Session;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.watch.Watcher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What runs on the tree thread on behalf of one client (a completion, a watch delivery) cannot stop
 * the node; internal proposals that are lost are made again.
 */
class FailureIsolationTest {

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static long session(Node node) throws Exception {
        CompletableFuture<OpResult> opened = new CompletableFuture<>();
        assertThat(node.createSession(10_000, new byte[16], new SessionOwner() {
            @Override
            public void sessionClosed(long sessionId) {
            }

            @Override
            public void sessionMoved(long sessionId) {
            }
        }, (r, z) -> opened.complete(r))).isTrue();
        return ((OpResult.SessionOpened) await(opened)).sessionId();
    }

    @Test
    void aThrowingCompletionOrWatcherLeavesTheNodeServing() throws Exception {
        try (Node node = new Node(NodeConfig.defaults(), new MemoryLogStore()).start()) {
            long sid = session(node);
            CompletableFuture<OpResult> created = new CompletableFuture<>();
            node.write(sid, List.of(), new WriteOp.Create("/x", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1), (r, z) -> created.complete(r));
            assertThat(await(created)).isInstanceOf(OpResult.Created.class);

            // a completion that throws: the node carries on
            assertThat(node.query(sid, List.of(), new Query.GetData("/x", false), e -> { }, (r, z) -> {
                throw new IllegalStateException("a bug in one client's continuation");
            })).isTrue();
            node.write(sid, List.of(), new WriteOp.SetData("/x", new byte[1], -1), (r, z) -> {
                throw new IllegalStateException("a bug in a write's continuation");
            });

            // a watcher that throws: it loses its watches and is told; the node carries on
            CompletableFuture<Throwable> told = new CompletableFuture<>();
            Watcher broken = new Watcher() {
                @Override
                public void process(WatchEvent event) {
                    throw new IllegalStateException("a bug in a watch delivery");
                }

                @Override
                public void failed(Throwable t) {
                    told.complete(t);
                }
            };
            CompletableFuture<QueryResult> watched = new CompletableFuture<>();
            node.query(sid, List.of(), new Query.GetData("/x", true), broken, (r, z) -> watched.complete(r));
            await(watched);
            CompletableFuture<OpResult> set = new CompletableFuture<>();
            node.write(sid, List.of(), new WriteOp.SetData("/x", new byte[2], -1), (r, z) -> set.complete(r));
            assertThat(await(set)).isInstanceOf(OpResult.DataSet.class);
            assertThat(await(told)).hasMessageContaining("watch delivery");

            CompletableFuture<QueryResult> after = new CompletableFuture<>();
            node.query(sid, List.of(), new Query.GetData("/x", false), e -> { }, (r, z) -> after.complete(r));
            assertThat(await(after)).isInstanceOf(QueryResult.Data.class);
            assertThat(node.isRunning()).isTrue();
            assertThat(node.failure()).isNull();
        }
    }

    @Test
    void anExpiryThatWasProposedButNeverAppliedIsProposedAgain() {
        SessionTracker tracker = new SessionTracker();
        Session s = new Session(42, 100, new byte[16], 1);
        long t0 = System.nanoTime();
        tracker.becameLeader(List.of(s));
        long due = t0 + TimeUnit.MILLISECONDS.toNanos(200);
        assertThat(tracker.dueForExpiry(List.of(s), due)).containsExactly(s);
        // proposed; shortly after, it is not proposed twice
        assertThat(tracker.dueForExpiry(List.of(s), due + TimeUnit.MILLISECONDS.toNanos(100))).isEmpty();
        // ... but when it has not been applied long after, the proposal was lost: again
        assertThat(tracker.dueForExpiry(List.of(s), due + SessionTracker.RETRY_NANOS + 1)).containsExactly(s);
        tracker.ended(42);
        assertThat(tracker.isExpiring(42)).isFalse();
    }

    @Test
    void aReapingThatWasProposedButNeverAppliedIsProposedAgain() {
        StateMachine sm = new StateMachine();
        sm.apply(1, new dev.meerkat.core.command.Proposal(1000, 1, 0, new Command.CreateSession(10_000, new byte[16])));
        long sid = sm.sessions().keySet().iterator().next();
        sm.apply(2, new dev.meerkat.core.command.Proposal(1000, 1, 0, new Command.ClientWrite(sid, List.of(),
                new WriteOp.Create("/ttl", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, 10))));
        Reaper reaper = new Reaper();
        List<Command> proposed = new ArrayList<>();
        boolean[] refuse = {true};
        long now = 10_000;
        reaper.reap(sm, now, c -> !refuse[0] && proposed.add(c));
        assertThat(proposed).as("refused: not recorded as proposed").isEmpty();
        refuse[0] = false;
        reaper.reap(sm, now + 1, c -> proposed.add(c));
        reaper.reap(sm, now + 2, c -> proposed.add(c));
        assertThat(proposed).as("proposed once, not again at once").hasSize(1);
        reaper.reap(sm, now + 2 + Reaper.RETRY_MILLIS, c -> proposed.add(c));
        assertThat(proposed).as("never applied: proposed again").hasSize(2);
    }
}
