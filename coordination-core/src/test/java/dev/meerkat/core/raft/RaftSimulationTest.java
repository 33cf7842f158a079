package dev.meerkat.core.raft;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the deterministic simulation over many seeds. Reproduce a failure with the one line it
 * prints, e.g. {@code mvn -pl coordination-core test -Dtest=RaftSimulationTest -Draft.sim.seed=123 -Draft.sim.nodes=5}
 * (add {@code -Draft.sim.trace=4000} to print every message from time unit 4000 on); soak with
 * {@code -Draft.sim.soak.seeds=100000}; change the CI count with {@code -Draft.sim.seeds=N}.
 */
class RaftSimulationTest {

    private static final int CI_SEEDS = Integer.getInteger("raft.sim.seeds", 3000);

    @Test
    void threeNodeClustersStaySafeAndLiveUnderFaults() {
        runSeeds(3);
    }

    @Test
    void fiveNodeClustersStaySafeAndLiveUnderFaults() {
        runSeeds(5);
    }

    @Test
    void fiveNodeClustersStaySafeAndLiveWhileMembershipChanges() {
        runSeeds(5, true);
    }

    private void runSeeds(int nodes) {
        runSeeds(nodes, false);
    }

    private void runSeeds(int nodes, boolean membership) {
        String single = System.getProperty("raft.sim.seed");
        if (single != null) {
            int only = Integer.getInteger("raft.sim.nodes", nodes);
            if (only != nodes || Boolean.getBoolean("raft.sim.membership") != membership) return;
            Simulation.Result r = Simulation.run(Long.parseLong(single), nodes, membership, RaftBugs.NONE);
            assertThat(r.failure()).as(r.reproduce()).isNull();
            return;
        }
        int seeds = Integer.getInteger("raft.sim.soak.seeds", CI_SEEDS);
        long start = System.nanoTime();
        long steps = 0;
        long committed = 0;
        long configChanges = 0;
        long reads = 0;
        long leaderRemovals = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            Simulation.Result r = Simulation.run(seed, nodes, membership, RaftBugs.NONE);
            if (!r.ok()) {
                System.out.println("RAFT SIM FAILURE: mvn -pl coordination-core test -Dtest=RaftSimulationTest "
                        + r.reproduce() + "   # " + r.failure());
            }
            assertThat(r.failure()).as("reproduce with " + r.reproduce()).isNull();
            steps += r.steps();
            committed += r.committed();
            configChanges += r.configChanges();
            reads += r.readsChecked();
            leaderRemovals += r.leaderRemovals();
        }
        System.out.printf("raft sim: %d nodes%s, %d seeds, %d steps, %d entries committed (%d membership changes, %d leader removals"
                        + " after hand-over), %d linearizable reads checked, %d ms%n",
                nodes, membership ? " with membership changes" : "", seeds, steps, committed, configChanges, leaderRemovals, reads,
                (System.nanoTime() - start) / 1_000_000);
        if (membership) assertThat(leaderRemovals).as("the schedule removes leaders").isPositive();
    }
}
