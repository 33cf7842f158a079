package dev.meerkat.it.kafka;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * The same Kafka scenario on Apache ZooKeeper 3.9.5, in-process through Curator's {@link TestingServer}.
 * Tick time 2000 ms, as Meerkat's default, so both negotiate the brokers' 6 s session timeout alike.
 */
class KafkaOnZooKeeperTest extends AbstractKafkaOnZooKeeperTest {
    private TestingServer server;

    @Override
    protected String startCoordination() throws Exception {
        server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 2000, -1), true);
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    protected void stopCoordination() throws Exception {
        if (server != null) server.close();
    }

    @Override
    protected String backend() {
        return "ZooKeeper 3.9.5";
    }
}
