package dev.meerkat.core.tree;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.AuthId;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.ZnodeType;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.state.StateMachine;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters the tree keeps as it changes (approximate data size, ephemerals, digest) equal what
 * a walk of the whole tree computes, after any mix of creates, deletes, data and ACL changes,
 * session closes and multis that fail half-way and roll back.
 */
class TreeCountersTest {
    private static final List<AuthId> IDS = List.of();

    private static void assertCountersMatchAWalk(DataTree tree) {
        long[] size = {0};
        long[] digest = {0};
        int[] ephemerals = {0};
        tree.forEachNode((path, z) -> {
            size[0] += path.length() + (z.data() == null ? 0 : z.data().length);
            digest[0] += TreeCounters.nodeDigest(path, z);
            if (ZnodeType.isEphemeralOwner(z.ephemeralOwner())) ephemerals[0]++;
        });
        assertThat(tree.approximateDataSize()).isEqualTo(size[0]);
        assertThat(tree.digest()).isEqualTo(digest[0]);
        assertThat(tree.ephemeralCount()).isEqualTo(ephemerals[0]);
    }

    @Test
    void aFreshTreeCountsZooKeepersSystemNodes() {
        DataTree tree = new DataTree();
        // "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config": 1 + 10 + 16 + 17 bytes of path, as ZooKeeper counts.
        assertThat(tree.approximateDataSize()).isEqualTo(44);
        assertThat(tree.ephemeralCount()).isZero();
        assertCountersMatchAWalk(tree);
    }

    @RepeatedTest(30)
    void countersFollowEveryChange(RepetitionInfo rep) {
        Random random = new Random(rep.getCurrentRepetition());
        StateMachine sm = new StateMachine();
        long zxid = 0;
        List<Long> sessions = new ArrayList<>();
        List<String> paths = new ArrayList<>(List.of("/"));
        for (int step = 0; step < 400; step++) {
            zxid++;
            int what = random.nextInt(10);
            Command command;
            if (what == 0 || sessions.isEmpty()) {
                command = new Command.CreateSession(10_000, new byte[16]);
            } else if (what == 1) {
                command = new Command.CloseSession(sessions.remove(random.nextInt(sessions.size())), false);
            } else {
                long session = sessions.get(random.nextInt(sessions.size()));
                command = new Command.ClientWrite(session, IDS, op(random, paths));
            }
            OpResult result = sm.apply(zxid, new Proposal(1000 + step, 1, step, command)).result();
            if (result instanceof OpResult.SessionOpened opened) sessions.add(opened.sessionId());
            if (result instanceof OpResult.Created created) paths.add(created.path());
            if (result instanceof OpResult.MultiResults multi && !multi.failed()) {
                // created paths inside a multi are found again by the walk; keep the list approximate
                paths.add("/m" + step);
            }
            assertCountersMatchAWalk(sm.tree());
        }
    }

    private static WriteOp op(Random random, List<String> paths) {
        String parent = paths.get(random.nextInt(paths.size()));
        String child = (parent.equals("/") ? "" : parent) + "/n" + random.nextInt(50);
        byte[] data = random.nextBoolean() ? null : new byte[random.nextInt(20)];
        return switch (random.nextInt(6)) {
            case 0, 1 -> new WriteOp.Create(child, data, Acl.OPEN_ACL_UNSAFE, random.nextBoolean() ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT, -1);
            case 2 -> new WriteOp.Delete(paths.get(random.nextInt(paths.size())), -1, false);
            case 3 -> new WriteOp.SetData(paths.get(random.nextInt(paths.size())), data, -1);
            case 4 -> new WriteOp.SetAcl(paths.get(random.nextInt(paths.size())), Acl.OPEN_ACL_UNSAFE, -1);
            default -> new WriteOp.Multi(List.of(
                    new WriteOp.Create(child + "m", data, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, -1),
                    new WriteOp.SetData(paths.get(random.nextInt(paths.size())), new byte[3], -1),
                    // fails about half the time, rolling the multi back
                    new WriteOp.Delete(paths.get(random.nextInt(paths.size())), random.nextBoolean() ? -1 : 999, false)));
        };
    }
}
