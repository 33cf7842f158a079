package dev.meerkat.core.node;

import dev.meerkat.core.log.MemoryLogStore;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;

/** A single server serves the moment its start returns: an embedded server or a test may use it at once. */
class StandaloneStartTest {

    @RepeatedTest(20)
    void aSingleServerServesAsSoonAsItsStartReturns() {
        try (Node node = new Node(NodeConfig.defaults(), new MemoryLogStore()).start()) {
            assertThat(node.isServing()).isTrue();
            assertThat(node.status().mode()).isEqualTo("standalone");
        }
    }
}
