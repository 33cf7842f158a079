package dev.meerkat.embedding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published {@code meerkat-embedded} jar: nothing in it outside Meerkat's own packages (so it
 * cannot clash with a user's Netty, Vert.x, Jackson, Kafka...), no logging backend or configuration,
 * the SLF4J API as its only dependency, and in-memory mode running without JVM flags and without
 * ever loading Chronicle Queue or Agrona.
 */
class EmbeddedJarIT {
    private static final Pattern OWN_CLASS = Pattern.compile("(META-INF/versions/\\d+/)?dev/meerkat/.*\\.class");
    private static final Pattern LOGGING = Pattern.compile("(.*/)?(logback(-test)?\\.xml|logback\\.groovy|log4j2?(-test)?\\.(xml|properties|json|yaml)|simplelogger\\.properties)"
            + "|org/slf4j/.*|ch/qos/.*|META-INF/services/org\\.slf4j\\..*");

    @Test
    void holdsOnlyRelocatedClassesAndNoLoggingBackend() throws IOException {
        List<String> foreign = new ArrayList<>();
        List<String> logging = new ArrayList<>();
        List<String> services = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(ChildJvm.embeddedJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.endsWith(".class")) {
                    classes++;
                    if (!OWN_CLASS.matcher(name).matches()) foreign.add(name);
                }
                if (LOGGING.matcher(name).matches()) logging.add(name);
                if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                    String api = name.substring("META-INF/services/".length());
                    String body = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                    boolean ownApi = api.startsWith("dev.meerkat.") || api.startsWith("java.") || api.startsWith("javax.");
                    boolean ownImpls = body.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).allMatch(l -> l.startsWith("dev.meerkat."));
                    if (!ownApi || !ownImpls) services.add(name + " -> " + body.strip());
                }
            }
        }
        assertThat(classes).as("classes in the jar").isGreaterThan(1000);
        assertThat(foreign).as("classes outside dev/meerkat/: add their package root to meerkat-embedded's relocations").isEmpty();
        assertThat(logging).as("logging backends or configuration in a library jar").isEmpty();
        assertThat(services).as("service registrations that would reach the user's libraries").isEmpty();
    }

    @Test
    void dependsOnTheSlf4jApiAlone() throws Exception {
        Path pom = Path.of(System.getProperty("meerkat.root"), "meerkat-embedded", "target", "dependency-reduced-pom.xml");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList deps = doc.getElementsByTagName("dependency");
        List<String> runtime = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (!(d.getParentNode() instanceof Element parent) || !parent.getTagName().equals("dependencies")) continue;
            String scope = text(d, "scope");
            if (scope.equals("test") || scope.equals("provided")) continue;
            runtime.add(text(d, "groupId") + ":" + text(d, "artifactId"));
        }
        assertThat(runtime).containsExactly("org.slf4j:slf4j-api");
    }

    @Test
    void inMemoryNeedsNoJvmFlagsAndNeverLoadsChronicleOrAgrona() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.embeddedClasspath(), List.of("-verbose:class"),
                InMemoryProbe.class.getName(), List.of(), Duration.ofSeconds(120));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("PROBE_OK jvm-args=[-verbose:class]");
        // Logged through the SLF4J 2 API to its binding (slf4j-simple here; the consumer project checks a 1.7 one).
        assertThat(r.output()).contains("dev.meerkat.wire.server.ZkServer - serving ZooKeeper clients on 127.0.0.1:");
        List<String> loaded = r.output().lines().filter(l -> l.startsWith("[") && l.contains("class,load")).toList();
        assertThat(loaded).as("classes loaded").hasSizeGreaterThan(500);
        assertThat(loaded.stream().filter(l -> l.contains("openhft") || l.contains("agrona") || l.contains("chronicle")).collect(Collectors.toList()))
                .as("Chronicle Queue or Agrona classes loaded by an in-memory node").isEmpty();
    }

    @Test
    void aDataDirectoryWithoutTheFlagsFailsWithTheSnippetToAdd(@TempDir Path dir) throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.embeddedClasspath(), List.of(),
                InMemoryProbe.class.getName(), List.of(dir.resolve("data").toString()), Duration.ofSeconds(120));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("keeps Meerkat's log in Chronicle Queue, which needs JVM flags")
                .contains("<argLine>--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
                .contains("tasks.test { jvmArgs(\"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED\"");
    }

    @Test
    void aDataDirectoryWorksWithTheFlags(@TempDir Path dir) throws Exception {
        List<String> flags = List.of(System.getProperty("jdk.internals.args", "").split(" "));
        ChildJvm.Result r = ChildJvm.run(ChildJvm.embeddedClasspath(), flags,
                InMemoryProbe.class.getName(), List.of(dir.resolve("data").toString()), Duration.ofSeconds(120));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("PROBE_OK");
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }
}
