package dev.triage.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles build as written, as far as this machine can tell without a container
 * engine. Runs after `package` (failsafe, always on): every COPY source exists in the build
 * context and .dockerignore lets it through; the user of each RUN that builds can write its
 * working directory; the images run as non-root users with an exec-form ENTRYPOINT; the builder
 * image matches the GraalVM version Quarkus wants (when native-sources packaging has run).
 */
class DockerfilesIT {

    static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void nativeDockerfileBuildsAsWritten() throws IOException {
        List<Instruction> file = parse(Files.readString(ROOT.resolve("Dockerfile.native")));
        assertEquals(List.of(), writableWhereTheBuildWrites(file), "Dockerfile.native");
        assertEquals(List.of(), contextSources(file, true), "Dockerfile.native");
        assertRuntimeStage(file, "Dockerfile.native");
        Instruction runtimeCopy = lastStage(file).stream().filter(i -> i.op.equals("COPY") && i.flags.containsKey("from"))
                .findFirst().orElseThrow(() -> new AssertionError("Dockerfile.native copies nothing from the build stage"));
        assertEquals("build", runtimeCopy.flags.get("from"));
        String source = runtimeCopy.args.get(0);
        assertTrue(source.startsWith("/code/target/") && source.endsWith("-runner"),
                "the runtime stage copies the native executable from the build's target/: " + source);
        Path runner = ROOT.resolve("target");
        try (Stream<Path> files = Files.list(runner)) {
            List<Path> runners = files.filter(p -> p.getFileName().toString().endsWith("-runner")).toList();
            if (runners.isEmpty()) {
                System.out.println("[dockerfiles] no target/*-runner (not a native build): the runtime COPY checked by pattern only");
            } else {
                assertTrue(Files.isExecutable(runners.get(0)), runners.get(0) + " is executable");
            }
        }
    }

    @Test
    void theBuilderImageMatchesTheGraalVmVersionQuarkusWants() throws IOException {
        Path version = ROOT.resolve("target/native-sources/graalvm.version");
        if (!Files.exists(version)) {
            System.out.println("[dockerfiles] target/native-sources/graalvm.version absent (native-sources packaging"
                    + " not run in this build): builder image not compared; .ci/run runs it");
        }
        Assumptions.assumeTrue(Files.exists(version), "native-sources packaging has not run");
        String major = Files.readString(version).trim().split("\\.")[0];
        String from = parse(Files.readString(ROOT.resolve("Dockerfile.native"))).get(0).args.get(0);
        assertEquals("quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-" + major, from,
                "the Mandrel builder for GraalVM " + Files.readString(version).trim());
    }

    @Test
    void jvmDockerfileBuildsAsWritten() throws IOException {
        List<Instruction> file = parse(Files.readString(ROOT.resolve("Dockerfile.jvm")));
        if (!Files.isDirectory(ROOT.resolve("target/quarkus-app"))) {
            System.out.println("[dockerfiles] target/quarkus-app absent (a native build): Dockerfile.jvm's sources not checked");
        }
        Assumptions.assumeTrue(Files.isDirectory(ROOT.resolve("target/quarkus-app")), "no JVM packaging in this build");
        assertEquals(List.of(), contextSources(file, true), "Dockerfile.jvm");
        assertRuntimeStage(file, "Dockerfile.jvm");
        String opts = file.stream().filter(i -> i.op.equals("ENV") && i.raw.contains("JAVA_OPTS_APPEND")).findFirst()
                .orElseThrow().raw;
        assertTrue(opts.contains("-XX:MaxRAMPercentage="), "Dockerfile.jvm bounds the heap by the memory limit");
    }

    @Test
    void theOldNativeDockerfileIsCaught() {
        // The check must be able to fail: the Dockerfile.native this replaced (root-owned /code).
        List<Instruction> old = parse("""
                FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25 AS build
                USER root
                WORKDIR /code
                COPY --chown=quarkus:quarkus mvnw pom.xml ./
                COPY --chown=quarkus:quarkus .mvn .mvn
                USER quarkus
                RUN ./mvnw -B -ntp dependency:go-offline
                """);
        List<String> problems = writableWhereTheBuildWrites(old);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("/code"), problems.get(0));
        List<String> missing = contextSources(parse("FROM x\nCOPY no-such-file /x\n"), false);
        assertEquals(1, missing.size(), missing.toString());
    }

    // ------------------------------------------------------------------------------------------

    record Instruction(int line, String op, Map<String, String> flags, List<String> args, String raw) {
    }

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder current = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (current.length() == 0 && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            if (current.length() == 0) {
                start = i + 1;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String raw = current.toString().trim();
            current.setLength(0);
            String[] words = raw.split("\\s+");
            Map<String, String> flags = new HashMap<>();
            List<String> args = new ArrayList<>();
            for (int w = 1; w < words.length; w++) {
                if (args.isEmpty() && words[w].startsWith("--")) {
                    String[] kv = words[w].substring(2).split("=", 2);
                    flags.put(kv[0], kv.length > 1 ? kv[1] : "");
                } else {
                    args.add(words[w]);
                }
            }
            out.add(new Instruction(start, words[0].toUpperCase(), flags, args, raw));
        }
        return out;
    }

    /** At every RUN that builds (mvnw), the current user owns the working directory. */
    static List<String> writableWhereTheBuildWrites(List<Instruction> file) {
        List<String> problems = new ArrayList<>();
        String user = "root";
        String workdir = "/";
        Map<String, String> owner = new HashMap<>();
        for (Instruction i : file) {
            switch (i.op) {
                case "FROM" -> {
                    user = "image-default";
                    workdir = "/";
                    owner.clear();
                }
                case "USER" -> user = i.args.get(0).split(":")[0];
                case "WORKDIR" -> {
                    workdir = i.args.get(0);
                    owner.putIfAbsent(workdir, user.equals("image-default") ? "root" : "root"); // WORKDIR creates as root
                }
                case "RUN" -> {
                    Matcher chown = Pattern.compile("chown\\s+(?:-R\\s+)?([\\w-]+)(?::[\\w-]+)?\\s+(\\S+)").matcher(i.raw);
                    while (chown.find()) {
                        if (user.equals("root")) {
                            owner.put(chown.group(2), chown.group(1));
                        }
                    }
                    if (i.raw.contains("mvnw")) {
                        String dirOwner = owner.getOrDefault(workdir, "root");
                        if (!dirOwner.equals(user)) {
                            problems.add("line " + i.line + ": `" + i.raw + "` runs as " + user + " in " + workdir
                                    + ", owned by " + dirOwner + ": the build cannot create " + workdir + "/target");
                        }
                    }
                }
                default -> {
                }
            }
        }
        return problems;
    }

    /** Every COPY from the build context names something that exists and that .dockerignore lets in. */
    static List<String> contextSources(List<Instruction> file, boolean withIgnoreFile) {
        List<String> problems = new ArrayList<>();
        List<String> ignore = new ArrayList<>();
        if (withIgnoreFile) {
            try {
                for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"))) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        ignore.add(line.trim());
                    }
                }
            } catch (IOException e) {
                problems.add("no .dockerignore: " + e.getMessage());
            }
        }
        for (Instruction i : file) {
            if (!i.op.equals("COPY") || i.flags.containsKey("from")) {
                continue;
            }
            for (String source : i.args.subList(0, i.args.size() - 1)) {
                String pattern = source.replaceAll("/$", "");
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
                List<Path> matches = new ArrayList<>();
                try (Stream<Path> all = Files.walk(ROOT, pattern.split("/").length)) {
                    all.map(ROOT::relativize).filter(matcher::matches).forEach(matches::add);
                } catch (IOException e) {
                    problems.add(e.toString());
                }
                if (matches.isEmpty()) {
                    problems.add("line " + i.line + ": COPY source " + source + " does not exist after package");
                }
                for (Path match : matches) {
                    if (ignored(ignore, match.toString())) {
                        problems.add("line " + i.line + ": COPY source " + match + " is excluded by .dockerignore");
                    }
                }
            }
        }
        return problems;
    }

    /** .dockerignore semantics: the last pattern that matches the path or one of its parents decides. */
    static boolean ignored(List<String> patterns, String path) {
        boolean excluded = false;
        for (String pattern : patterns) {
            boolean negate = pattern.startsWith("!");
            String glob = negate ? pattern.substring(1) : pattern;
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            Path p = Path.of(path);
            boolean hit = false;
            for (Path prefix = p; prefix != null; prefix = prefix.getParent()) {
                hit |= matcher.matches(prefix);
            }
            if (hit) {
                excluded = !negate;
            }
        }
        return excluded;
    }

    static List<Instruction> lastStage(List<Instruction> file) {
        int from = 0;
        for (int i = 0; i < file.size(); i++) {
            if (file.get(i).op.equals("FROM")) {
                from = i;
            }
        }
        return file.subList(from, file.size());
    }

    static void assertRuntimeStage(List<Instruction> file, String name) {
        List<Instruction> stage = lastStage(file);
        String base = stage.get(0).args.get(0);
        assertTrue(base.matches(".+:[\\w.-]+") && !base.endsWith(":latest"), name + ": the runtime base has a fixed tag: " + base);
        String user = stage.stream().filter(i -> i.op.equals("USER")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(name + ": the runtime stage sets no USER")).args.get(0);
        assertTrue(user.matches("[1-9]\\d*(:\\w+)?"), name + ": a numeric non-root USER (runAsNonRoot needs it): " + user);
        Instruction entrypoint = stage.stream().filter(i -> i.op.equals("ENTRYPOINT")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(name + ": no ENTRYPOINT"));
        String form = entrypoint.raw.substring("ENTRYPOINT".length()).trim();
        assertTrue(form.startsWith("[") && form.endsWith("]"), name + ": ENTRYPOINT in exec form (SIGTERM reaches the process)");
        assertFalse(stage.stream().anyMatch(i -> i.op.equals("CMD") && !i.raw.contains("[")), name + ": CMD in shell form");
        assertTrue(stage.stream().anyMatch(i -> i.op.equals("EXPOSE") && i.args.equals(List.of("8080", "9000"))),
                name + ": EXPOSE 8080 9000");
    }
}
