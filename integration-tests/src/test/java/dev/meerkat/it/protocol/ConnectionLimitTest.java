package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/** maxClientCnxns caps connections per client address; the ones within the cap keep working. */
class ConnectionLimitTest {

    @Test
    void connectionsBeyondMaxClientCnxnsFromOneAddressAreClosed() throws Exception {
        try (Meerkat meerkat = Meerkat.start(Zk.config().withMaxClientCnxns(2))) {
            // Both sessions established: the server has counted both connections.
            ZooKeeper first = Zk.connect(meerkat.connectString());
            ZooKeeper second = Zk.connect(meerkat.connectString());
            try (Socket third = new Socket()) {
                third.connect(new InetSocketAddress("127.0.0.1", meerkat.port()));
                third.setSoTimeout(10_000);
                // Closed by the server before any byte: end of stream.
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(first.exists("/", false)).isNotNull();
            assertThat(second.exists("/", false)).isNotNull();
            first.close();
            // A freed slot can be used again.
            ZooKeeper again = Zk.connect(meerkat.connectString());
            assertThat(again.exists("/", false)).isNotNull();
            again.close();
            second.close();
        }
    }
}
