package dev.meerkat.it.protocol;

import dev.meerkat.server.Meerkat;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Four-letter words over a plain socket, and the default whitelist. */
class FourLetterWordsTest {
    private static Meerkat meerkat;
    private static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        meerkat = Zk.meerkat();
        zk = Zk.connect(meerkat.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) zk.close();
        if (meerkat != null) meerkat.close();
    }

    static String ask(int port, String word) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void ruokAndIsro() throws Exception {
        assertThat(ask(meerkat.port(), "ruok")).isEqualTo("imok");
        assertThat(ask(meerkat.port(), "isro")).isEqualTo("rw");
    }

    @Test
    void srvrAndStat() throws Exception {
        String srvr = ask(meerkat.port(), "srvr");
        assertThat(srvr).startsWith("Zookeeper version: ").contains("Mode: standalone").contains("Node count: ").contains("Zxid: 0x");
        String stat = ask(meerkat.port(), "stat");
        assertThat(stat).startsWith("Zookeeper version: ").contains("Clients:").contains("Mode: standalone");
    }

    @Test
    void mntrIsTabSeparated() throws Exception {
        String mntr = ask(meerkat.port(), "mntr");
        assertThat(mntr).contains("zk_server_state\tstandalone\n").contains("zk_znode_count\t").contains("zk_num_alive_connections\t");
        for (String line : mntr.split("\n")) assertThat(line.split("\t")).hasSize(2);
    }

    @Test
    void wordsOutsideTheWhitelistAreRefused() throws Exception {
        // ZooKeeper's default whitelist: srvr only.
        try (Meerkat strict = Meerkat.start(Zk.config().withFourLetterWords(dev.meerkat.server.config.ServerConfig.defaults().fourLetterWords()))) {
            for (String word : new String[]{"conf", "cons", "dump", "envi", "wchs", "srst", "ruok", "mntr"}) {
                assertThat(ask(strict.port(), word)).isEqualTo(word + " is not executed because it is not in the whitelist.\n");
            }
            assertThat(ask(strict.port(), "srvr")).startsWith("Zookeeper version: ");
        }
        // the server keeps serving
        assertThat(zk.exists("/", false)).isNotNull();
    }
}
