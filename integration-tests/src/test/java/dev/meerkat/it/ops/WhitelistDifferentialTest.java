package dev.meerkat.it.ops;

import dev.meerkat.server.Meerkat;
import dev.meerkat.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 4lw.commands.whitelist as ZooKeeper 3.9.5 honours it, checked against it: by default only srvr
 * runs; a listed word runs; "*" runs them all; any other word answers "... is not in the whitelist."
 */
class WhitelistDifferentialTest {
    @Test
    void whitelistAsZooKeeper() throws Exception {
        for (String list : new String[]{null, "ruok, stat", "*"}) {
            Map<String, String> zkSettings = new LinkedHashMap<>(Map.of("admin.enableServer", "false"));
            if (list != null) zkSettings.put("4lw.commands.whitelist", list);
            ServerConfig config = Meerkat.embeddedConfig(null)
                    .withFourLetterWords(list == null ? ServerConfig.defaults().fourLetterWords() : Set.of(list.split("\\s*,\\s*")));
            try (ReferenceZooKeeperServer other = new ReferenceZooKeeperServer(zkSettings); Meerkat m = Meerkat.start(config)) {
                for (String word : OperationsDifferentialTest.WORDS) {
                    String z = FourLetterClient.ask(other.clientPort(), word, true);
                    String k = FourLetterClient.ask(m.port(), word, true);
                    if (z.endsWith("is not executed because it is not in the whitelist.\n")) {
                        assertThat(k).as(list + ": " + word).isEqualTo(z);
                    } else {
                        assertThat(k).as(list + ": " + word).doesNotContain("not in the whitelist");
                        assertThat(k.isEmpty()).as(list + ": " + word + " answered").isEqualTo(z.isEmpty());
                    }
                }
            }
        }
    }
}
