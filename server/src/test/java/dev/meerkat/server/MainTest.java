package dev.meerkat.server;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain start's short cut past picocli takes exactly what picocli would take as a start. */
class MainTest {
    @Test
    void theShortCutKnowsEverySubcommand() {
        Set<String> names = new HashSet<>();
        for (Class<?> sub : Main.class.getAnnotation(Command.class).subcommands()) {
            Command c = sub.getAnnotation(Command.class);
            names.add(c.name());
            names.addAll(Set.of(c.aliases()));
        }
        assertThat(Main.SUBCOMMANDS).isEqualTo(names);
    }

    @Test
    void onlyNoArgumentsOrOneFileNameAreAPlainStart() {
        assertThat(Main.isPlainStart(new String[0])).isTrue();
        assertThat(Main.isPlainStart(new String[]{"conf/zoo.cfg"})).isTrue();
        assertThat(Main.isPlainStart(new String[]{"--port=0"})).isFalse();
        assertThat(Main.isPlainStart(new String[]{"-h"})).isFalse();
        assertThat(Main.isPlainStart(new String[]{"--version"})).isFalse();
        assertThat(Main.isPlainStart(new String[]{"zoo.cfg", "--port", "0"})).isFalse();
        assertThat(Main.isPlainStart(new String[]{""})).isFalse();
        for (String sub : Main.SUBCOMMANDS) assertThat(Main.isPlainStart(new String[]{sub})).as(sub).isFalse();
    }
}
