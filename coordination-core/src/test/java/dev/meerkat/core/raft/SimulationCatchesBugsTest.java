package dev.meerkat.core.raft;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's checker has teeth: each deliberately broken variant of the algorithm is
 * caught within a bounded number of seeds.
 */
class SimulationCatchesBugsTest {

    /** Seeds tried per cluster size before giving up; every variant is caught well within it. */
    private static final int MAX_SEEDS = 1000;

    static Stream<Arguments> bugs() {
        return Stream.of(
                Arguments.of("commitOlderTermByCounting", new RaftBugs(true, false, false, false, false)),
                Arguments.of("forgetVoteOnRestart", new RaftBugs(false, true, false, false, false)),
                Arguments.of("skipLogMatchingCheck", new RaftBugs(false, false, true, false, false)),
                Arguments.of("grantVotesToStaleLogs", new RaftBugs(false, false, false, true, false)),
                Arguments.of("readIndexWithoutQuorum", new RaftBugs(false, false, false, false, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void simulatorCatchesDeliberateBug(String name, RaftBugs bugs) {
        StringBuilder report = new StringBuilder();
        boolean caughtEverywhere = true;
        for (int nodes : new int[]{3, 5}) {
            Simulation.Result caught = null;
            int seed = 1;
            for (; seed <= MAX_SEEDS && caught == null; seed++) {
                Simulation.Result r = Simulation.run(seed, nodes, bugs);
                if (!r.ok()) caught = r;
            }
            if (caught != null) {
                report.append(String.format("bug %s on %d nodes caught after %d seed(s) (%s): %s%n",
                        name, nodes, seed - 1, caught.reproduce(), caught.failure()));
            } else {
                caughtEverywhere = false;
                report.append(String.format("bug %s on %d nodes NOT caught in %d seeds%n", name, nodes, MAX_SEEDS));
            }
        }
        System.out.print(report);
        assertThat(caughtEverywhere).as(report.toString()).isTrue();
    }
}
