package dev.meerkat.embedding;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meerkat as a new user gets it. A fresh Maven project (its own pom, nothing inherited) is made
 * under {@code target/consumer-project}: its dependencies are the Maven snippet of README.md and
 * docs/kafka-testing.md (Kafka 3.9.1 and Curator among them), plus {@code org.apache.zookeeper:zookeeper:3.9.5},
 * Spring Kafka and an SLF4J 1.7 binding; its tests are every Java example of those two documents as printed, plus
 * two tests of its own classpath. It is built by Maven in a child process with no JVM flags,
 * resolving Meerkat from the repository that this build's maven-invoker-plugin installed into
 * {@code target/consumer-repo} (never ~/.m2; the outer build's local repository only serves as a
 * read-only cache of third-party artifacts, with Maven Central behind it).
 */
class ConsumerProjectIT {
    private static final Path ROOT = Path.of(System.getProperty("meerkat.root"));
    private static final Path PROJECT = ROOT.resolve("embedding-tests/target/consumer-project");
    private static DocExamples docs;
    private static int exitCode;
    private static String buildLog;

    @BeforeAll
    static void buildTheConsumerProject() throws Exception {
        docs = DocExamples.read(ROOT.resolve("README.md"), ROOT.resolve("docs/kafka-testing.md"));
        deleteRecursively(PROJECT);
        Files.createDirectories(PROJECT);
        Files.writeString(PROJECT.resolve("pom.xml"), pom());
        Path settings = PROJECT.resolve("settings.xml");
        Files.writeString(settings, settings());
        for (DocExamples.JavaExample e : docs.examples()) {
            Path file = PROJECT.resolve("src/test/java").resolve(e.relativePath());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.source());
        }
        copyResourceTree("consumer-project/src/test/java/CoexistenceTest.java", "consumer-project/src/test/java/SpringKafkaTemplateTest.java",
                "consumer-project/src/test/resources/log4j.properties");

        Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
        List<String> command = List.of(mvn.toString(), "-B", "-ntp", "-s", settings.toString(),
                "-Dmaven.repo.local=" + System.getProperty("consumer.repo"), "test");
        ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(PROJECT.resolve("build.log").toFile());
        // Nothing of the outer build's JVM set-up reaches the nested one.
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("MAVEN_ARGS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the consumer project's build took over 10 minutes; see " + PROJECT.resolve("build.log"));
        }
        exitCode = p.exitValue();
        buildLog = Files.readString(PROJECT.resolve("build.log"));
    }

    @Test
    void buildsAndPassesWithTheDocumentedDependenciesAndNoJvmFlags() throws Exception {
        assertThat(exitCode).as("consumer project build (log: %s)\n%s", PROJECT.resolve("build.log"), tail(buildLog)).isZero();
        assertThat(buildLog).doesNotContain("add-opens").doesNotContain("add-exports");
    }

    @Test
    void everyDocumentedExampleRanAndPassed() throws Exception {
        Map<String, int[]> reports = surefireReports();
        List<String> expected = new ArrayList<>();
        for (DocExamples.JavaExample e : docs.examples()) expected.add(e.packageName().isEmpty() ? e.className() : e.packageName() + "." + e.className());
        expected.add("CoexistenceTest");
        expected.add("SpringKafkaTemplateTest");
        assertThat(expected).as("the README's Curator and @MeerkatKafka tests, the docs' by-hand Kafka test")
                .contains("ConfigStoreTest", "OrdersFailoverTest", "InProcessKafkaExampleTest");
        for (String test : expected) {
            int[] counts = reports.get(test);
            assertThat(counts).as("surefire report of %s (ran: %s)", test, reports.keySet()).isNotNull();
            assertThat(counts[0]).as("tests run in %s", test).isPositive();
            assertThat(counts[1] + counts[2] + counts[3]).as("failures, errors and skips in %s\n%s", test, tail(buildLog)).isZero();
        }
    }

    @Test
    void meerkatLogsThroughTheProjectsOwnSlf4j17Binding() {
        // Kafka brings the SLF4J 1.7 API, the project binds it to reload4j: Meerkat's INFO lines show through that binding.
        assertThat(buildLog).contains("dev.meerkat.wire.server.ZkServer - serving ZooKeeper clients on 127.0.0.1:");
        assertThat(buildLog).doesNotContain("No SLF4J providers were found").doesNotContain("Failed to load class \"org.slf4j.impl.StaticLoggerBinder\"");
    }

    private static String pom() {
        StringBuilder deps = new StringBuilder();
        for (DocExamples.Dependency d : docs.dependencies()) deps.append(d.xml());
        // Beyond the documented list: what a project using Meerkat typically also has, and what used to clash.
        deps.append(new DocExamples.Dependency("org.apache.zookeeper", "zookeeper", System.getProperty("zookeeper.version"), "test").xml());
        deps.append(new DocExamples.Dependency("org.springframework.kafka", "spring-kafka", System.getProperty("spring-kafka.version"), "test").xml());
        // The project's own logging, an SLF4J 1.7 binding (Kafka's distribution logs so): Meerkat must log through it.
        deps.append(new DocExamples.Dependency("org.slf4j", "slf4j-reload4j", "1.7.36", "test").xml());
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>meerkat-consumer</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version>
                        <configuration><trimStackTrace>false</trimStackTrace></configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(deps);
    }

    /** Third-party artifacts from the outer build's local repository (read as a file repository), then Central. */
    private static String settings() {
        String cache = Path.of(System.getProperty("outer.repo")).toUri().toString();
        String repo = "<id>outer-build-cache</id><url>" + cache + "</url>"
                + "<releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
        return """
                <settings>
                  <profiles>
                    <profile>
                      <id>outer-build-cache</id>
                      <repositories><repository>%s</repository></repositories>
                      <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>outer-build-cache</activeProfile></activeProfiles>
                </settings>
                """.formatted(repo, repo);
    }

    private static Map<String, int[]> surefireReports() throws Exception {
        Map<String, int[]> byClass = new TreeMap<>();
        Path dir = PROJECT.resolve("target/surefire-reports");
        if (!Files.isDirectory(dir)) return byClass;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith("TEST-") && x.toString().endsWith(".xml")).toList()) {
                Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile()).getDocumentElement();
                String name = suite.getAttribute("name");
                int[] c = {Integer.parseInt(suite.getAttribute("tests")), Integer.parseInt(suite.getAttribute("failures")),
                        Integer.parseInt(suite.getAttribute("errors")), Integer.parseInt(suite.getAttribute("skipped"))};
                byClass.merge(name.contains("$") ? name.substring(0, name.indexOf('$')) : name, c,
                        (a, b) -> new int[]{a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]});
            }
        }
        return byClass;
    }

    private static void copyResourceTree(String... resources) throws IOException {
        for (String r : resources) {
            Path target = PROJECT.resolve(r.substring("consumer-project/".length()));
            Files.createDirectories(target.getParent());
            try (InputStream in = ConsumerProjectIT.class.getClassLoader().getResourceAsStream(r)) {
                if (in == null) throw new AssertionError("missing test resource " + r);
                Files.copy(in, target);
            }
        }
    }

    private static String tail(String log) {
        if (log == null) return "";
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
