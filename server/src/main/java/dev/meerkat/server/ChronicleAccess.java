package dev.meerkat.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A data directory lives in Chronicle Queue, which reaches into JDK internals and needs them
 * exported or opened to it. The runnable jar carries these in its manifest; a test JVM that embeds
 * Meerkat with a data directory must be given them, and is told exactly how, before Chronicle fails
 * somewhere deep inside with an IllegalAccessError. (Data kept in memory needs none of this.)
 */
final class ChronicleAccess {
    private record Grant(String module, String pkg, boolean open) {
        String flag() {
            return (open ? "--add-opens=" : "--add-exports=") + module + "/" + pkg + "=ALL-UNNAMED";
        }
    }

    /** The same list as the parent pom's {@code jdk.internals.args} and the runnable jar's manifest. */
    private static final List<Grant> NEEDED = List.of(
            new Grant("java.base", "jdk.internal.misc", false),
            new Grant("java.base", "jdk.internal.ref", false),
            new Grant("java.base", "jdk.internal.util", false),
            new Grant("java.base", "sun.nio.ch", false),
            new Grant("jdk.unsupported", "sun.misc", false),
            new Grant("jdk.compiler", "com.sun.tools.javac.file", false),
            new Grant("jdk.compiler", "com.sun.tools.javac", true),
            new Grant("java.base", "java.lang", true),
            new Grant("java.base", "java.lang.reflect", true),
            new Grant("java.base", "java.io", true),
            new Grant("java.base", "java.util", true),
            new Grant("java.base", "jdk.internal.misc", true));

    private ChronicleAccess() {
    }

    /** Throws, with the flags to add for Maven and Gradle, when this JVM lacks any of them. */
    static void require(String dataDir) {
        Module self = ChronicleAccess.class.getModule();
        List<String> missing = new ArrayList<>();
        for (Grant g : NEEDED) {
            Optional<Module> m = ModuleLayer.boot().findModule(g.module());
            if (m.isEmpty()) continue; // a runtime without jdk.compiler: Chronicle does without it
            boolean granted = g.open() ? m.get().isOpen(g.pkg(), self) : m.get().isExported(g.pkg(), self);
            if (!granted) missing.add(g.flag());
        }
        if (missing.isEmpty()) return;
        String flags = String.join(" ", missing);
        String gradle = String.join(", ", missing.stream().map(f -> "\"" + f + "\"").toList());
        throw new IllegalStateException("A persistent data directory (" + dataDir + ") keeps Meerkat's log in Chronicle Queue, which needs JVM flags this JVM was not given:"
                + " with Maven add <argLine>" + flags + "</argLine> to maven-surefire-plugin's <configuration>,"
                + " with Gradle add tasks.test { jvmArgs(" + gradle + ") } — or keep the data in memory (Meerkat.embedded()), which needs none.");
    }
}
