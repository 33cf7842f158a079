package dev.meerkat.embedding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code blocks of Meerkat's user documentation, exactly as printed: the Maven dependency
 * snippet and every Java example. A Java block must be a whole compilation unit (it is compiled and
 * run as it stands), so the documents cannot drift from what works.
 */
final class DocExamples {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```(\\w+)\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>\\s*<scope>([^<]+)</scope>\\s*</dependency>");
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");

    record Dependency(String groupId, String artifactId, String version, String scope) {
        String xml() {
            return "    <dependency><groupId>" + groupId + "</groupId><artifactId>" + artifactId + "</artifactId><version>" + version
                    + "</version><scope>" + scope + "</scope></dependency>\n";
        }
    }

    record JavaExample(String document, String className, String packageName, String source) {
        Path relativePath() {
            return Path.of(packageName.replace('.', '/'), className + ".java");
        }
    }

    private final List<Dependency> dependencies;
    private final List<JavaExample> examples;

    private DocExamples(List<Dependency> dependencies, List<JavaExample> examples) {
        this.dependencies = dependencies;
        this.examples = examples;
    }

    /** Reads the documents; each must carry the same Maven snippet, Java class names must not clash. */
    static DocExamples read(Path... documents) throws IOException {
        List<Dependency> deps = null;
        Map<String, JavaExample> examples = new LinkedHashMap<>();
        for (Path doc : documents) {
            String text = Files.readString(doc);
            List<Dependency> docDeps = new ArrayList<>();
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                String lang = m.group(1);
                String body = m.group(2);
                if (lang.equals("xml") && body.strip().startsWith("<dependency>")) {
                    Matcher d = DEPENDENCY.matcher(body);
                    int matched = 0;
                    while (d.find()) {
                        docDeps.add(new Dependency(d.group(1).trim(), d.group(2).trim(), d.group(3).trim(), d.group(4).trim()));
                        matched++;
                    }
                    if (matched != body.split("<dependency>").length - 1) {
                        throw new AssertionError(doc + ": a <dependency> in a Maven snippet is not groupId, artifactId, version, scope in that order");
                    }
                } else if (lang.equals("java")) {
                    Matcher c = CLASS_NAME.matcher(body);
                    if (!c.find()) throw new AssertionError(doc + ": a Java example that is not a whole class (the build compiles every one):\n" + body);
                    Matcher p = PACKAGE.matcher(body);
                    JavaExample e = new JavaExample(doc.getFileName().toString(), c.group(1), p.find() ? p.group(1) : "", body);
                    JavaExample before = examples.putIfAbsent(e.className(), e);
                    if (before != null && !before.source().equals(body)) {
                        throw new AssertionError("two different Java examples named " + e.className() + " (" + before.document() + ", " + e.document() + ")");
                    }
                }
            }
            if (docDeps.isEmpty()) throw new AssertionError(doc + " has no Maven dependency snippet");
            if (deps != null && !deps.equals(docDeps)) {
                throw new AssertionError(doc + "'s Maven snippet differs from the others':\n" + docDeps + "\n" + deps);
            }
            deps = docDeps;
        }
        return new DocExamples(List.copyOf(deps), List.copyOf(examples.values()));
    }

    List<Dependency> dependencies() {
        return dependencies;
    }

    List<JavaExample> examples() {
        return examples;
    }
}
