package dev.meerkat.junit;

import dev.meerkat.server.Meerkat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MeerkatExtensionTest {

    /** Asks the server's four-letter-word port whether it is fine. */
    static String ruok(String connectString) throws IOException {
        String[] hostPort = connectString.split("/")[0].split(":");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            OutputStream out = s.getOutputStream();
            out.write("ruok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Nested
    @ExtendWith(MeerkatExtension.class)
    class Declarative {
        @InjectMeerkat
        static Meerkat staticServer;
        @InjectMeerkat
        static String staticConnectString;
        static String seenInBeforeAll;

        @InjectMeerkat
        Meerkat server;
        @InjectMeerkat
        String connectString;

        @BeforeAll
        static void beforeAll() {
            seenInBeforeAll = staticConnectString;
        }

        @Test
        void injectsFieldsAndParameters(Meerkat parameter, @InjectMeerkat String connect) throws IOException {
            assertThat(seenInBeforeAll).isNotNull().startsWith("127.0.0.1:");
            assertThat(server).isSameAs(staticServer).isSameAs(parameter);
            assertThat(connectString).isEqualTo(staticConnectString).isEqualTo(connect).isEqualTo(server.connectString());
            assertThat(ruok(connectString)).isEqualTo("imok");
        }

        @Test
        void oneServerPerClass(Meerkat parameter) {
            assertThat(parameter).isSameAs(staticServer);
        }

        @Nested
        class Inner {
            @Test
            void sharesTheEnclosingServer(Meerkat parameter) {
                assertThat(parameter).isSameAs(staticServer);
            }
        }
    }

    @Nested
    class Programmatic {
        @RegisterExtension
        static MeerkatExtension meerkat = new MeerkatExtension();

        @Test
        void exposesTheServer() throws IOException {
            assertThat(meerkat.connectString()).isEqualTo(meerkat.meerkat().connectString());
            assertThat(meerkat.connectString("/kafka")).isEqualTo(meerkat.connectString() + "/kafka");
            assertThat(ruok(meerkat.connectString())).isEqualTo("imok");
        }
    }
}
