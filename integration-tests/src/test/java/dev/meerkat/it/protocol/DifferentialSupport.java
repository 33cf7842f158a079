package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.ZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs one scenario against Meerkat and against Apache ZooKeeper 3.9.5 and compares the transcripts. */
final class DifferentialSupport implements AutoCloseable {

    /** What a scenario gets: two sessions on one server, the first with an event recorder. */
    record Ctx(ZooKeeper zk, Zk.Events events, ZooKeeper other, String connectString, int port, Transcript t) {
    }

    interface Scenario {
        void run(Ctx c) throws Exception;
    }

    final Meerkat meerkat;
    final ReferenceZooKeeper reference;

    DifferentialSupport() throws Exception {
        meerkat = Zk.meerkat();
        reference = new ReferenceZooKeeper();
    }

    void compare(Scenario scenario) throws Exception {
        Transcript onZk = run(scenario, reference.connectString());
        Transcript onMeerkat = run(scenario, meerkat.connectString());
        assertThat(String.join("\n", onMeerkat.lines)).as("Meerkat (actual) vs ZooKeeper 3.9.5 (expected)")
                .isEqualTo(String.join("\n", onZk.lines));
    }

    private static Transcript run(Scenario scenario, String cs) throws Exception {
        Transcript t = new Transcript();
        Zk.Events events = new Zk.Events();
        try (ZooKeeper zk = Zk.connect(cs, events); ZooKeeper other = Zk.connect(cs)) {
            int port = Integer.parseInt(cs.substring(cs.lastIndexOf(':') + 1));
            scenario.run(new Ctx(zk, events, other, cs, port, t));
        }
        return t;
    }

    @Override
    public void close() throws Exception {
        meerkat.close();
        reference.close();
    }
}
