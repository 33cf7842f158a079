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

    private static final int MAX_SEEDS = 3000;

    static Stream<Arguments> bugs() {
        return Stream.of(
                Arguments.of("commitOlderTermByCounting", new RaftBugs(true, false, false, false)),
                Arguments.of("forgetVoteOnRestart", new RaftBugs(false, true, false, false)),
                Arguments.of("skipLogMatchingCheck", new RaftBugs(false, false, true, false)),
                Arguments.of("grantVotesToStaleLogs", new RaftBugs(false, false, false, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void simulatorCatchesDeliberateBug(String name, RaftBugs bugs) {
        // 3-node clusters first: violations need fewer coincidences there. 5 nodes are tried too
        // (with a smaller budget) and reported; the bug must be caught in at least one of them.
        StringBuilder report = new StringBuilder();
        boolean caughtAny = false;
        for (int nodes : new int[]{3, 5}) {
            int budget = nodes == 3 ? MAX_SEEDS : MAX_SEEDS / 3;
            Simulation.Result caught = null;
            int seed = 1;
            for (; seed <= budget && caught == null; seed++) {
                Simulation.Result r = Simulation.run(seed, nodes, bugs);
                if (!r.ok()) caught = r;
            }
            if (caught != null) {
                caughtAny = true;
                report.append(String.format("bug %s on %d nodes caught after %d seed(s) (%s): %s%n",
                        name, nodes, seed - 1, caught.reproduce(), caught.failure()));
            } else {
                report.append(String.format("bug %s on %d nodes not caught in %d seeds%n", name, nodes, budget));
            }
        }
        System.out.print(report);
        assertThat(caughtAny).as(report.toString()).isTrue();
    }
}
