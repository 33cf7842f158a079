package dev.meerkat.it.kafka;

import dev.meerkat.junit.MeerkatExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka scenario on an embedded Meerkat (one server, in memory), started by {@link MeerkatExtension}. */
class KafkaOnMeerkatTest extends AbstractKafkaOnZooKeeperTest {
    @RegisterExtension
    static MeerkatExtension meerkat = new MeerkatExtension();

    @Override
    protected String startCoordination() {
        return meerkat.connectString();
    }

    @Override
    protected void stopCoordination() {
        // The extension closes the server after the class.
    }

    @Override
    protected String backend() {
        return "Meerkat";
    }
}
