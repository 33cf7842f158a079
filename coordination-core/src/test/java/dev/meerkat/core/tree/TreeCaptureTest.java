package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.snapshot.SnapshotCodec;
import dev.meerkat.core.snapshot.SnapshotImage;
import dev.meerkat.core.state.StateMachine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A capture taken in slices while the tree keeps changing must record exactly the tree as it was
 * when it began: every change in between (creates, deletes of whole subtrees, data, ACLs, failed
 * multis rolled back) is applied through the state machine between slices.
 */
class TreeCaptureTest {
    private static final List<Acl> SECRET = List.of(new Acl(Perms.ALL, new AuthId("digest", "alice:hash")));

    @Test
    void captureInSlicesEqualsTheTreeAtItsStartWhateverChangesMeanwhile() throws Exception {
        for (int seed = 0; seed < 25; seed++) {
            Random random = new Random(seed);
            StateMachine sm = new StateMachine();
            long[] zxid = {0};
            long session = ((OpResult.SessionOpened) sm.apply(++zxid[0], new Proposal(1, 0, 0,
                    new Command.CreateSession(5000, new byte[]{1}))).result()).sessionId();
            for (int i = 0; i < 3000; i++) mutate(sm, random, session, zxid);
            // Several captures of the same tree in turn: what one left on its nodes must not mislead the next.
            for (int round = 0; round < 3; round++) {
                captureWhileChanging(sm, random, session, zxid, "seed " + seed + ", round " + round);
            }
        }
    }

    private static void captureWhileChanging(StateMachine sm, Random random, long session, long[] zxid, String what) throws Exception {
        byte[] expected = encode(SnapshotCodec.capture(sm, 1));
        List<TreeCapture.Chunk> chunks = new ArrayList<>();
        TreeCapture capture = sm.tree().beginCapture(sm.lastApplied(), chunks::add);
        List<dev.meerkat.core.state.Session> sessions = List.copyOf(sm.sessions().values());
        long atStart = sm.lastApplied();
        int slices = 0;
        while (!capture.step(0)) {
            slices++;
            int changes = random.nextInt(200);
            for (int i = 0; i < changes; i++) mutate(sm, random, session, zxid);
        }
        assertThat(slices).as("the capture took several slices").isGreaterThan(1);
        byte[] actual = encode(new SnapshotImage(atStart, 1, sessions, chunks));
        assertSameState(read(actual), read(expected), what);
    }

    @Test
    void aCaptureWaitsForItsSinkWithoutLosingAChunk() throws Exception {
        StateMachine sm = new StateMachine();
        Random random = new Random(3);
        long[] zxid = {0};
        long session = ((OpResult.SessionOpened) sm.apply(++zxid[0], new Proposal(1, 0, 0,
                new Command.CreateSession(5000, new byte[]{1}))).result()).sessionId();
        for (int i = 0; i < 20_000; i++) mutate(sm, random, session, zxid);
        byte[] expected = encode(SnapshotCodec.capture(sm, 1));
        List<TreeCapture.Chunk> chunks = new ArrayList<>();
        boolean[] room = {false};
        TreeCapture capture = sm.tree().beginCapture(sm.lastApplied(), c -> {
            if (!room[0]) return false;
            chunks.add(c);
            return true;
        });
        List<dev.meerkat.core.state.Session> sessions = List.copyOf(sm.sessions().values());
        long atStart = sm.lastApplied();
        int refused = 0;
        while (!capture.step(Long.MAX_VALUE)) {
            // With no time limit a step only stops for a sink that had no room: then it says so.
            assertThat(capture.waitingForSink()).as("step %d stopped for the sink", refused).isTrue();
            refused++;
            room[0] = refused % 2 == 0;
            mutate(sm, random, session, zxid);
        }
        assertThat(capture.waitingForSink()).isFalse();
        assertThat(refused).isGreaterThan(1);
        assertSameState(read(encode(new SnapshotImage(atStart, 1, sessions, chunks))), read(expected), "with a slow sink");
    }

    @Test
    void aSinkThatHandsChunksBackGetsThemFilledAgainAndTheSnapshotIsTheSame() throws Exception {
        StateMachine sm = new StateMachine();
        Random random = new Random(7);
        long[] zxid = {0};
        long session = ((OpResult.SessionOpened) sm.apply(++zxid[0], new Proposal(1, 0, 0,
                new Command.CreateSession(5000, new byte[]{1}))).result()).sessionId();
        for (int i = 0; i < 20_000; i++) mutate(sm, random, session, zxid);
        byte[] expected = encode(SnapshotCodec.capture(sm, 1));
        // Encoded as each chunk arrives, as the snapshot writer does, then handed back.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotCodec.Encoder encoder = new SnapshotCodec.Encoder(new DataOutputStream(bytes), sm.lastApplied(), 1,
                List.copyOf(sm.sessions().values()));
        java.util.ArrayDeque<TreeCapture.Chunk> done = new java.util.ArrayDeque<>();
        java.util.Set<TreeCapture.Chunk> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int[] offered = {0};
        TreeCapture capture = sm.tree().beginCapture(sm.lastApplied(), new TreeCapture.Sink() {
            @Override
            public boolean offer(TreeCapture.Chunk chunk) {
                try {
                    encoder.write(chunk);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                offered[0]++;
                distinct.add(chunk);
                // A chunk handed back still holds what it held until the capture clears it.
                if (!chunk.last) done.add(chunk);
                return true;
            }

            @Override
            public TreeCapture.Chunk recycled() {
                return done.poll();
            }
        });
        while (!capture.step(0)) {
            for (int i = random.nextInt(100); i > 0; i--) mutate(sm, random, session, zxid);
        }
        encoder.finish();
        assertThat(offered[0]).as("chunks offered").isGreaterThan(3);
        assertThat(distinct).as("chunks made").hasSizeLessThanOrEqualTo(2);
        assertSameState(read(bytes.toByteArray()), read(expected), "with recycled chunks");
    }

    private static void mutate(StateMachine sm, Random random, long session, long[] zxid) {
        String path = "/n" + random.nextInt(30) + (random.nextBoolean() ? "/m" + random.nextInt(30) : "");
        if (random.nextInt(4) == 0) path += "/k" + random.nextInt(10);
        byte[] data = random.nextInt(5) == 0 ? null : ("d" + random.nextInt(1000)).getBytes();
        WriteOp op = switch (random.nextInt(9)) {
            case 0, 1, 2 -> new WriteOp.Create(path, data, random.nextInt(4) == 0 ? SECRET : Acl.OPEN_ACL_UNSAFE,
                    random.nextInt(5) == 0 ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT, -1);
            case 3 -> new WriteOp.Delete(path, -1, false);
            case 4 -> new WriteOp.SetData(path, data, -1);
            case 5 -> new WriteOp.SetAcl(path, random.nextBoolean() ? SECRET : Acl.OPEN_ACL_UNSAFE, -1);
            case 6 -> new WriteOp.Multi(List.of(new WriteOp.Create(path + "/x", data, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1),
                    new WriteOp.Delete(path, -1, false), new WriteOp.SetData("/missing", data, -1)));
            case 7 -> new WriteOp.Multi(List.of(new WriteOp.Delete(path, -1, false), new WriteOp.Create(path, data, SECRET, CreateMode.PERSISTENT, -1)));
            default -> new WriteOp.Create(path, data, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, -1);
        };
        List<AuthId> ids = List.of(new AuthId("digest", "alice:hash"));
        sm.apply(++zxid[0], new Proposal(1000 + zxid[0], 0, 0, new Command.ClientWrite(session, ids, op)));
    }

    private static byte[] encode(SnapshotImage image) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotCodec.write(image, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static StateMachine read(byte[] bytes) throws Exception {
        return SnapshotCodec.read(new DataInputStream(new ByteArrayInputStream(bytes))).stateMachine();
    }

    static void assertSameState(StateMachine actual, StateMachine expected, String what) {
        assertThat(actual.lastApplied()).as(what).isEqualTo(expected.lastApplied());
        assertThat(actual.sessions().keySet()).as(what).isEqualTo(expected.sessions().keySet());
        assertThat(actual.tree().paths()).as(what).isEqualTo(expected.tree().paths());
        for (String path : expected.tree().paths()) {
            Znode a = actual.tree().get(path);
            Znode b = expected.tree().get(path);
            assertThat(a.stat()).as(what + " " + path).isEqualTo(b.stat());
            assertThat(a.data()).as(what + " " + path).isEqualTo(b.data());
            assertThat(a.acl()).as(what + " " + path).isEqualTo(b.acl());
            assertThat(a.children()).as(what + " " + path).isEqualTo(b.children());
        }
        assertThat(actual.tree().digest()).as(what).isEqualTo(expected.tree().digest());
        assertThat(actual.tree().approximateDataSize()).as(what).isEqualTo(expected.tree().approximateDataSize());
        assertThat(actual.tree().ephemeralCount()).as(what).isEqualTo(expected.tree().ephemeralCount());
    }
}
