package dev.meerkat.core.snapshot;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.Perms;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.state.StateMachine;
import dev.meerkat.core.tree.Znode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotCodecTest {

    @Test
    void roundTripKeepsTreeSessionsAndAclsExactly() throws Exception {
        StateMachine sm = new StateMachine();
        long zxid = 0;
        OpResult.SessionOpened s = (OpResult.SessionOpened) sm.apply(++zxid, new Proposal(1000, 0, 0,
                new Command.CreateSession(5000, new byte[]{1, 2, 3}))).result();
        List<AuthId> ids = List.of(new AuthId("digest", "alice:hash"));
        List<Acl> secret = List.of(new Acl(Perms.ALL, new AuthId("digest", "alice:hash")));
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            String path = "/n" + random.nextInt(40);
            WriteOp op = switch (random.nextInt(4)) {
                case 0 -> new WriteOp.Create(path, random.nextBoolean() ? null : ("d" + i).getBytes(), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1);
                case 1 -> new WriteOp.Create(path + "/e", new byte[0], secret, CreateMode.EPHEMERAL_SEQUENTIAL, -1);
                case 2 -> new WriteOp.SetData(path, ("v" + i).getBytes(), -1);
                default -> new WriteOp.Create("/ttl" + i, null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, 60_000);
            };
            sm.apply(++zxid, new Proposal(1000 + i, 0, 0, new Command.ClientWrite(s.sessionId(), ids, op)));
        }

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotCodec.write(sm, 4, new DataOutputStream(bytes));
        SnapshotCodec.Loaded loaded = SnapshotCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        StateMachine copy = loaded.stateMachine();
        assertThat(loaded.lastAppliedTerm()).isEqualTo(4);
        assertThat(copy.lastApplied()).isEqualTo(sm.lastApplied());
        assertThat(copy.sessions().keySet()).isEqualTo(sm.sessions().keySet());
        assertThat(copy.session(s.sessionId()).password()).containsExactly(1, 2, 3);
        assertThat(copy.tree().paths()).isEqualTo(sm.tree().paths());
        for (String path : sm.tree().paths()) {
            Znode a = sm.tree().get(path);
            Znode b = copy.tree().get(path);
            assertThat(b.stat()).as(path).isEqualTo(a.stat());
            assertThat(b.data()).as(path).isEqualTo(a.data());
            assertThat(b.acl()).as(path).isEqualTo(a.acl());
            assertThat(b.children()).as(path).isEqualTo(a.children());
        }
        assertThat(copy.tree().ephemeralsOf(s.sessionId())).isEqualTo(sm.tree().ephemeralsOf(s.sessionId()));
        assertThat(copy.tree().ttlNodes()).isEqualTo(sm.tree().ttlNodes());
    }

    @Test
    void truncatedSnapshotIsRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotCodec.write(new StateMachine(), 1, new DataOutputStream(bytes));
        byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 3);
        assertThatThrownBy(() -> SnapshotCodec.read(new DataInputStream(new ByteArrayInputStream(cut))))
                .isInstanceOf(java.io.IOException.class);
    }
}
