package dev.meerkat.core.state;

import dev.meerkat.core.api.Acl;
import dev.meerkat.core.api.CreateMode;
import dev.meerkat.core.api.ErrorCode;
import dev.meerkat.core.command.Command;
import dev.meerkat.core.command.OpResult;
import dev.meerkat.core.command.Proposal;
import dev.meerkat.core.command.WriteOp;
import dev.meerkat.core.tree.PathRules;
import dev.meerkat.core.tree.Znode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine against a small model of ZooKeeper's semantics, on random sequences of writes
 * (creates of each mode, deletes and setData at versions, multis) by two sessions, one of which may
 * close: every result, error codes included, and the tree after every step must be what the model
 * says; getChildren must list children in the order of ZooKeeper's own HashSet.
 */
class StateMachinePropertyTest {
    private static final List<String> PATHS = List.of("/a", "/b", "/a/x", "/a/y", "/b/x", "/a/x/z", "/c/q");

    /** One step: a write by session 0 or 1, or the close of session 1. */
    record Step(int session, WriteOp op, boolean closeSecond) {
        @Override
        public String toString() {
            return closeSecond ? "close session 1" : "session " + session + ": " + describe(op);
        }
    }

    static String describe(WriteOp op) {
        if (op instanceof WriteOp.Create c) {
            return "create " + c.path() + " " + c.mode() + " " + (c.data() == null ? "null" : c.data().length + "B");
        }
        if (op instanceof WriteOp.Delete d) return "delete " + d.path() + " v" + d.version();
        if (op instanceof WriteOp.SetData s) return "setData " + s.path() + " v" + s.version();
        if (op instanceof WriteOp.Multi m) return "multi " + m.ops().stream().map(StateMachinePropertyTest::describe).toList();
        return op.toString();
    }

    private Arbitrary<WriteOp> singleOps() {
        Arbitrary<String> path = Arbitraries.of(PATHS);
        Arbitrary<byte[]> data = Arbitraries.oneOf(Arbitraries.just((byte[]) null), Arbitraries.bytes().array(byte[].class).ofMaxSize(4));
        Arbitrary<Integer> version = Arbitraries.of(-1, 0, 1, 2);
        Arbitrary<CreateMode> mode = Arbitraries.of(CreateMode.PERSISTENT, CreateMode.EPHEMERAL, CreateMode.PERSISTENT_SEQUENTIAL,
                CreateMode.EPHEMERAL_SEQUENTIAL);
        Arbitrary<WriteOp> create = Combinators.combine(path, data, mode).as((p, d, m) -> new WriteOp.Create(p, d, Acl.OPEN_ACL_UNSAFE, m, -1));
        Arbitrary<WriteOp> delete = Combinators.combine(path, version).as((p, v) -> new WriteOp.Delete(p, v, false));
        Arbitrary<WriteOp> set = Combinators.combine(path, data, version).as(WriteOp.SetData::new);
        return Arbitraries.frequencyOf(Tuple.of(4, create), Tuple.of(2, delete), Tuple.of(2, set));
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<WriteOp> multi = singleOps().list().ofMinSize(1).ofMaxSize(4).map(WriteOp.Multi::new);
        Arbitrary<WriteOp> op = Arbitraries.frequencyOf(Tuple.of(6, singleOps()), Tuple.of(1, multi));
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(30, Combinators.combine(Arbitraries.of(0, 1), op).as((s, o) -> new Step(s, o, false))),
                Tuple.of(1, Arbitraries.just(new Step(1, null, true))));
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 400)
    void theStateMachineDoesWhatZooKeepersSemanticsSay(@ForAll("histories") List<Step> history) {
        StateMachine sm = new StateMachine();
        long zxid = 0;
        sm.apply(++zxid, new Proposal(1000, 1, 0, new Command.CreateSession(10_000, new byte[16])));
        sm.apply(++zxid, new Proposal(1000, 1, 0, new Command.CreateSession(10_000, new byte[16])));
        List<Long> ids = new ArrayList<>(sm.sessions().keySet());
        ids.sort(null);
        Model model = new Model();
        boolean secondClosed = false;
        for (Step step : history) {
            if (step.closeSecond()) {
                if (secondClosed) continue;
                sm.apply(++zxid, new Proposal(1000, 1, 0, new Command.CloseSession(ids.get(1), false)));
                model.closeSession(1);
                secondClosed = true;
            } else {
                int session = secondClosed ? 0 : step.session();
                Applied a = sm.apply(++zxid, new Proposal(1000 + zxid, 1, 0, new Command.ClientWrite(ids.get(session), List.of(), step.op())));
                Object expected = model.apply(step.op(), session);
                assertThat(outcome(a.result())).as(step + " in " + history).isEqualTo(expected);
            }
            model.assertSame(sm, step + " in " + history);
        }
    }

    /** A result as the model states it: the path created, "ok", an error code, or a multi's list of them. */
    static Object outcome(OpResult r) {
        if (r instanceof OpResult.Error e) return e.code();
        if (r instanceof OpResult.Created c) return c.path();
        if (r instanceof OpResult.MultiResults m) return m.results().stream().map(StateMachinePropertyTest::outcome).toList();
        return "ok";
    }

    /** ZooKeeper's data model, written plainly. */
    static final class Model {
        static final class Node {
            byte[] data;
            int version;
            int childCreates;
            int owner = -1;
            Set<String> children = new HashSet<>(8);

            Node copy() {
                Node c = new Node();
                c.data = data;
                c.version = version;
                c.childCreates = childCreates;
                c.owner = owner;
                c.children = new HashSet<>(children);
                return c;
            }
        }

        Map<String, Node> nodes = new LinkedHashMap<>();

        Model() {
            for (String p : List.of("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config")) {
                Node system = new Node();
                system.data = new byte[0];
                nodes.put(p, system);
                if (!p.equals("/")) nodes.get(PathRules.parent(p)).children.add(PathRules.name(p));
            }
        }

        Object apply(WriteOp op, int session) {
            if (op instanceof WriteOp.Multi multi) {
                Map<String, Node> before = new LinkedHashMap<>();
                nodes.forEach((p, n) -> before.put(p, n.copy()));
                List<Object> results = new ArrayList<>();
                for (int i = 0; i < multi.ops().size(); i++) {
                    Object r = apply(multi.ops().get(i), session);
                    if (r instanceof ErrorCode e) {
                        // all or nothing, with ZooKeeper's per-op codes: OK before, the error, then RUNTIME_INCONSISTENCY
                        nodes = before;
                        List<Object> failed = new ArrayList<>();
                        for (int j = 0; j < multi.ops().size(); j++) {
                            failed.add(j < i ? ErrorCode.OK : j == i ? e : ErrorCode.RUNTIME_INCONSISTENCY);
                        }
                        return failed;
                    }
                    results.add(r);
                }
                return results;
            }
            if (op instanceof WriteOp.Create c) {
                Node parent = nodes.get(PathRules.parent(c.path()));
                if (parent == null) return ErrorCode.NO_NODE;
                String path = c.path();
                if (c.mode().isSequential()) path += String.format(Locale.ROOT, "%010d", parent.childCreates);
                if (nodes.containsKey(path)) return ErrorCode.NODE_EXISTS;
                if (parent.owner >= 0) return ErrorCode.NO_CHILDREN_FOR_EPHEMERALS;
                Node n = new Node();
                n.data = c.data();
                n.owner = c.mode().isEphemeral() ? session : -1;
                nodes.put(path, n);
                parent.children.add(PathRules.name(path));
                parent.childCreates++;
                return path;
            }
            if (op instanceof WriteOp.Delete d) {
                Node parent = nodes.get(PathRules.parent(d.path()));
                Node n = nodes.get(d.path());
                if (parent == null || n == null) return ErrorCode.NO_NODE;
                if (d.version() != -1 && d.version() != n.version) return ErrorCode.BAD_VERSION;
                if (!n.children.isEmpty()) return ErrorCode.NOT_EMPTY;
                remove(d.path());
                return "ok";
            }
            WriteOp.SetData s = (WriteOp.SetData) op;
            Node n = nodes.get(s.path());
            if (n == null) return ErrorCode.NO_NODE;
            if (s.version() != -1 && s.version() != n.version) return ErrorCode.BAD_VERSION;
            n.data = s.data();
            n.version++;
            return "ok";
        }

        private void remove(String path) {
            nodes.remove(path);
            nodes.get(PathRules.parent(path)).children.remove(PathRules.name(path));
        }

        void closeSession(int session) {
            List<String> mine = new ArrayList<>();
            nodes.forEach((p, n) -> {
                if (n.owner == session) mine.add(p);
            });
            mine.forEach(this::remove);
        }

        void assertSame(StateMachine sm, String where) {
            assertThat(new HashSet<>(sm.tree().paths())).as("paths after " + where).isEqualTo(new HashSet<>(nodes.keySet()));
            for (Map.Entry<String, Node> e : nodes.entrySet()) {
                Znode z = sm.tree().get(e.getKey());
                assertThat(z.version()).as("version of " + e.getKey() + " after " + where).isEqualTo(e.getValue().version);
                assertThat(Arrays.equals(z.data(), e.getValue().data)).as("data of " + e.getKey() + " after " + where).isTrue();
                assertThat(new HashSet<>(z.children())).as("children of " + e.getKey() + " after " + where).isEqualTo(e.getValue().children);
            }
        }
    }

    @Property(tries = 300)
    void childrenAreListedInTheOrderOfZooKeepersHashSet(@ForAll @Size(max = 80) List<@StringLength(min = 1, max = 12) @AlphaChars String> names,
                                                        @ForAll @Size(max = 40) List<Integer> removals) {
        StateMachine sm = new StateMachine();
        sm.apply(1, new Proposal(1000, 1, 0, new Command.CreateSession(10_000, new byte[16])));
        long sid = sm.sessions().keySet().iterator().next();
        long zxid = 1;
        sm.apply(++zxid, write(sid, new WriteOp.Create("/p", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1)));
        Set<String> zk = new HashSet<>(8);
        List<String> added = new ArrayList<>();
        for (String n : names) {
            sm.apply(++zxid, write(sid, new WriteOp.Create("/p/" + n, null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, -1)));
            if (zk.add(n)) added.add(n);
        }
        for (int r : removals) {
            if (added.isEmpty()) break;
            String victim = added.remove(Math.floorMod(r, added.size()));
            sm.apply(++zxid, write(sid, new WriteOp.Delete("/p/" + victim, -1, false)));
            zk.remove(victim);
        }
        assertThat(sm.tree().get("/p").childrenInZooKeeperOrder()).isEqualTo(new ArrayList<>(zk));
    }

    private static Proposal write(long sid, WriteOp op) {
        return new Proposal(1000, 1, 0, new Command.ClientWrite(sid, List.of(), op));
    }
}
