package dev.triage.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.triage.playbook.Playbook;
import dev.triage.playbook.PlaybookDefaults;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every piece of code a prompt can show is checked as code by the real tool of its language:
 * the prompt is rendered to markdown for every (language, database) pair, its fenced blocks are
 * taken out and dedented (blocks inside list items are indented), and each distinct block is
 * compiled or parsed: Java by the JDK compiler API against the real drivers, Python by py_compile,
 * JavaScript by node --check, TypeScript by the TypeScript compiler with the drivers' own type
 * definitions, C# by tree-sitter's C# grammar, shell by bash -n, Go by gofmt, Ruby by ruby -c,
 * PHP by php -l, Rust by rustfmt --check. The root causes' commands of the whole catalogue are
 * checked by bash -n too. A tool that is not installed skips its language with the reason printed.
 */
@QuarkusTest
class CodeSnippetsCheckTest {

    /** Where the npm tools (TypeScript compiler, driver typings, C# parser) are installed once. */
    private static final Path NPM_TOOLS = Path.of(System.getProperty("user.home"), ".cache", "triage", "snippet-check");
    private static final Pattern FENCE = Pattern.compile("^( *)```([a-z]+)$");
    /** "..." left for the reader to fill in; a spread (...args, ...$command) is code. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\.\\.\\.(?![A-Za-z_$\\[{(])");

    @Inject
    PromptComposer composer;

    @Inject
    PromptRenderer renderer;

    @Inject
    StackProfiles profiles;

    @Inject
    CodeSnippets snippets;

    /** A distinct piece of code and every place a prompt shows it. */
    record Block(String source, Set<String> places) {
    }

    @TestFactory
    Stream<DynamicTest> everyCodeBlockAPromptCanShowIsValidCode() throws Exception {
        Map<String, Map<String, Block>> byFence = emittedBlocks();
        return byFence.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> check(e.getKey(), new ArrayList<>(e.getValue().values()))));
    }

    @TestFactory
    Stream<DynamicTest> theConnectivityTestNamesItsDatabasesClientAndNoOther() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String language : profiles.languageIds()) {
            for (String database : profiles.databaseIds()) {
                tests.add(DynamicTest.dynamicTest(language + "/" + database, () -> {
                    String code = quotes(snippets.get(language, database, CodeSnippets.Kind.CONNECTIVITY).source());
                    List<String> own = profiles.client(language, database).markers();
                    assertFalse(own.isEmpty(), "languages.json names no marker for " + language + "/" + database);
                    assertTrue(own.stream().anyMatch(m -> code.contains(quotes(m))),
                            language + "/" + database + " connectivity should use " + profiles.client(language, database).name()
                                    + " (" + own + ")");
                    for (String other : profiles.databaseIds()) {
                        if (!other.equals(database)) {
                            for (String marker : profiles.client(language, other).markers()) {
                                assertFalse(code.contains(quotes(marker)), language + "/" + database
                                        + " connectivity names " + other + "'s client: " + marker);
                            }
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> noPromptShowsAnotherDatabasesClient() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String language : profiles.languageIds()) {
            for (String database : profiles.databaseIds()) {
                tests.add(DynamicTest.dynamicTest(language + "/" + database, () -> {
                    String md = quotes(render(language, database));
                    for (String other : profiles.databaseIds()) {
                        if (other.equals(database) || other.equals("other")) {
                            continue;
                        }
                        for (String marker : profiles.client(language, other).markers()) {
                            assertFalse(md.contains(quotes(marker)), language + "/" + database + " prompt shows "
                                    + other + "'s client " + marker);
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> retryHelpersBackOffWithJitterAndThePromptShowsEverySnippetAsWritten() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String language : profiles.languageIds()) {
            for (String database : profiles.databaseIds()) {
                tests.add(DynamicTest.dynamicTest(language + "/" + database, () -> {
                    String retry = snippets.get(language, database, CodeSnippets.Kind.RETRY).source().toLowerCase(Locale.ROOT);
                    assertTrue(retry.contains("retry"), "retry helper");
                    assertTrue(retry.contains("jitter"), "retry helper has jitter");
                    Set<String> shown = new LinkedHashSet<>();
                    blocks(render(language, database)).forEach(b -> shown.add(b.get(1)));
                    for (CodeSnippets.Kind kind : CodeSnippets.Kind.values()) {
                        CodeSnippets.Snippet snippet = snippets.resolve(language, database, kind);
                        assertFalse(snippet.code().source().isBlank(), snippet.resource() + " is empty");
                        assertFalse(PLACEHOLDER.matcher(snippet.code().source()).find(),
                                snippet.resource() + " has a placeholder (\"...\" that is not a spread operator)");
                        assertTrue(shown.contains(snippet.code().source()),
                                snippet.resource() + " appears in the prompt exactly as written once dedented");
                    }
                }));
            }
        }
        return tests.stream();
    }

    private String render(String language, String database) {
        IncidentContext context = new IncidentContext("API returning 500 errors",
                "Internal Server Error: Database connection failed", Environment.PRODUCTION, Language.fromId(language),
                Urgency.CRITICAL, true, true, null, DatabaseKind.fromId(database), null, null);
        return renderer.markdown(composer.compose(context, PlaybookDefaults.load()));
    }

    /** Every fenced block of every prompt, by fence language, deduplicated; plus the catalogue's commands. */
    private Map<String, Map<String, Block>> emittedBlocks() {
        Map<String, Map<String, Block>> byFence = new TreeMap<>();
        for (String language : profiles.languageIds()) {
            for (String database : profiles.databaseIds()) {
                for (List<String> block : blocks(render(language, database))) {
                    byFence.computeIfAbsent(block.get(0), f -> new LinkedHashMap<>())
                            .computeIfAbsent(block.get(1), s -> new Block(s, new LinkedHashSet<>()))
                            .places().add(language + "/" + database);
                }
            }
        }
        // Root causes are ranked per incident: any playbook's commands can be shown, for any database.
        for (Playbook p : PlaybookDefaults.load()) {
            for (String database : profiles.databaseIds()) {
                List<String> commands = p.commandsFor(database);
                if (!commands.isEmpty()) {
                    byFence.computeIfAbsent("bash", f -> new LinkedHashMap<>())
                            .computeIfAbsent(String.join("\n", commands), s -> new Block(s, new LinkedHashSet<>()))
                            .places().add("playbook " + p.id() + "/" + database);
                }
            }
        }
        return byFence;
    }

    /** The fenced blocks of a markdown text as [fence, dedented source], in order. */
    static List<List<String>> blocks(String md) {
        List<List<String>> blocks = new ArrayList<>();
        String[] lines = md.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && !lines[j].equals(indent + "```")) {
                String line = lines[j];
                assertTrue(line.isEmpty() || line.startsWith(indent), "code line less indented than its fence: " + line);
                body.add(line.isEmpty() ? line : line.substring(indent.length()));
                j++;
            }
            assertTrue(j < lines.length, "unclosed ``` block opened at line " + (i + 1));
            blocks.add(List.of(open.group(2), String.join("\n", body)));
            i = j;
        }
        return blocks;
    }

    private void check(String fence, List<Block> blocks) throws Exception {
        int emitted = blocks.stream().mapToInt(b -> b.places().size()).sum();
        // TypeScript resolves the drivers' typings from node_modules above the files: check them inside the tools dir.
        Path dir = fence.equals("typescript") || fence.equals("csharp")
                ? Files.createTempDirectory(Files.createDirectories(NPM_TOOLS.resolve("work")), fence)
                : Files.createTempDirectory("snippet-check-" + fence);
        try {
            checkIn(dir, fence, blocks, emitted);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void checkIn(Path dir, String fence, List<Block> blocks, int emitted) throws Exception {
        String tool = switch (fence) {
            case "java" -> compileJava(dir, blocks);
            case "python" -> batch(dir, blocks, "py", List.of("python3", "-m", "py_compile"));
            case "javascript" -> each(dir, blocks, "js", List.of("node", "--check"));
            case "typescript" -> npmTool(dir, blocks, "ts", "ts-check.cjs");
            case "csharp" -> npmTool(dir, blocks, "cs", "cs-parse.cjs");
            case "bash" -> each(dir, blocks, "sh", List.of("bash", "-n"));
            case "go" -> batch(dir, blocks, "go", List.of("gofmt", "-e", "-l"));
            case "ruby" -> each(dir, blocks, "rb", List.of("ruby", "-c"));
            case "php" -> each(dir, blocks, "php", List.of("php", "-l"));
            case "rust" -> batch(dir, blocks, "rs", List.of(rustfmt(), "--edition", "2021", "--check"));
            default -> skip(fence + ": no checker for this language; add one to CodeSnippetsCheckTest");
        };
        System.out.printf("[snippet-check] %-10s %-36s checked %3d distinct blocks (%d shown in prompts)%n", fence, tool,
                blocks.size(), emitted);
    }

    private static String compileJava(Path dir, List<Block> blocks) throws IOException {
        Path drivers = Path.of("target", "snippet-classpath");
        if (!Files.isDirectory(drivers)) {
            skip("java: " + drivers + " is missing (made by the maven-dependency-plugin in generate-test-resources)");
        }
        String classpath;
        try (Stream<Path> jars = Files.list(drivers)) {
            classpath = Stream.concat(Stream.of(System.getProperty("java.class.path")),
                    jars.map(Path::toString)).collect(Collectors.joining(java.io.File.pathSeparator));
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Pattern publicClass = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)");
        int n = 0;
        for (Block block : blocks) {
            Matcher m = publicClass.matcher(block.source());
            Path unit = Files.createDirectories(dir.resolve("u" + n++));
            Path file = unit.resolve((m.find() ? m.group(1) : "Snippet") + ".java");
            Files.writeString(file, block.source() + "\n", StandardCharsets.UTF_8);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
                boolean ok = compiler.getTask(null, files, diagnostics,
                        List.of("-d", unit.toString(), "-proc:none", "-classpath", classpath), null,
                        files.getJavaFileObjects(file)).call();
                assertTrue(ok, () -> "javac rejected the snippet shown in " + block.places() + ":\n"
                        + diagnostics.getDiagnostics());
            }
        }
        return "javac " + System.getProperty("java.specification.version") + " + real drivers";
    }

    /** One tool run per block. */
    private static String each(Path dir, List<Block> blocks, String extension, List<String> command) throws Exception {
        requireTool(command.get(0));
        int n = 0;
        for (Block block : blocks) {
            Path file = write(dir, "s" + n++ + "." + extension, block.source());
            List<String> full = new ArrayList<>(command);
            full.add(file.toString());
            Result r = run(full, dir, 60);
            assertEquals(0, r.exit(), () -> String.join(" ", command) + " rejected the code shown in " + block.places()
                    + ":\n" + r.output() + "\n--- code ---\n" + block.source());
        }
        return String.join(" ", command) + " (" + version(command.get(0)) + ")";
    }

    /** One tool run for all blocks; the tool names the file of each problem. */
    private static String batch(Path dir, List<Block> blocks, String extension, List<String> command) throws Exception {
        requireTool(command.get(0));
        List<String> full = new ArrayList<>(command);
        Map<String, Block> byFile = new LinkedHashMap<>();
        int n = 0;
        for (Block block : blocks) {
            Path file = write(dir, "s" + n++ + "." + extension, block.source());
            full.add(file.toString());
            byFile.put(file.getFileName().toString(), block);
        }
        Result r = run(full, dir, 120);
        assertEquals(0, r.exit(), () -> String.join(" ", command) + " rejected:\n" + r.output() + "\n" + byFile.entrySet()
                .stream().filter(e -> r.output().contains(e.getKey()))
                .map(e -> "--- " + e.getKey() + " shown in " + e.getValue().places() + " ---\n" + e.getValue().source())
                .collect(Collectors.joining("\n")));
        return Path.of(command.get(0)).getFileName() + " " + String.join(" ", command.subList(1, command.size()));
    }

    /** A node script of ours run with the npm packages it needs (installed once into ~/.cache). */
    private static String npmTool(Path dir, List<Block> blocks, String extension, String script) throws Exception {
        requireTool("node");
        requireTool("npm");
        Path tools = npmTools();
        Path scriptFile = tools.resolve(script);
        copyResource("snippet-check/" + script, scriptFile);
        List<String> full = new ArrayList<>(List.of("node", scriptFile.toString()));
        int n = 0;
        Map<String, Block> byFile = new LinkedHashMap<>();
        for (Block block : blocks) {
            Path file = write(dir, "s" + n++ + "." + extension, block.source());
            full.add(file.toString());
            byFile.put(file.getFileName().toString(), block);
        }
        Result r = run(full, tools, 300);
        assertEquals(0, r.exit(), () -> script + " rejected:\n" + r.output() + "\n" + byFile.entrySet().stream()
                .filter(e -> r.output().contains(e.getKey() + ":"))
                .map(e -> "--- " + e.getKey() + " shown in " + e.getValue().places() + " ---\n" + e.getValue().source())
                .collect(Collectors.joining("\n")));
        String last = r.output().strip().lines().reduce((a, b) -> b).orElse(script);
        return last.substring(0, last.indexOf(':') < 0 ? last.length() : last.indexOf(':'));
    }

    /** Installs the pinned npm packages of snippet-check/package.json once; skips with the reason if npm cannot. */
    private static synchronized Path npmTools() throws Exception {
        Files.createDirectories(NPM_TOOLS);
        String wanted;
        try (InputStream in = CodeSnippetsCheckTest.class.getClassLoader().getResourceAsStream("snippet-check/package.json")) {
            wanted = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path manifest = NPM_TOOLS.resolve("package.json");
        Path stamp = NPM_TOOLS.resolve("node_modules").resolve(".installed-package.json");
        if (!Files.exists(stamp) || !Files.readString(stamp).equals(wanted)) {
            Files.writeString(manifest, wanted);
            System.out.println("[snippet-check] installing the TypeScript compiler, driver typings and the C# parser into "
                    + NPM_TOOLS + " (once)");
            Result r = run(List.of("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock",
                    "--loglevel=error"), NPM_TOOLS, 300);
            if (r.exit() != 0) {
                skip("npm install failed, so TypeScript and C# are not checked here: " + r.output().strip());
            }
            Files.writeString(stamp, wanted);
        }
        return NPM_TOOLS;
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = CodeSnippetsCheckTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.write(target, in.readAllBytes());
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path dir, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), command.get(0) + " timed out");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Path write(Path dir, String name, String source) throws IOException {
        return Files.writeString(dir.resolve(name), source + "\n", StandardCharsets.UTF_8);
    }

    private static String version(String tool) {
        try {
            List<String> command = switch (tool) {
                case "php" -> List.of("php", "-r", "echo PHP_VERSION;");
                default -> List.of(tool, "--version");
            };
            String first = run(command, Path.of("."), 30).output().lines().findFirst().orElse("?").strip();
            return first.length() > 40 ? first.substring(0, 40) : first;
        } catch (Exception e) {
            return "?";
        }
    }

    private static void requireTool(String tool) {
        if (!onPath(tool)) {
            skip(tool + " is not installed, so this language's snippets are not checked here"
                    + " (.ci/run installs it on CI)");
        }
    }

    private static String skip(String reason) {
        System.out.println("[snippet-check] SKIPPED: " + reason);
        Assumptions.abort(reason);
        return reason;
    }

    private static String rustfmt() {
        Path cargo = Path.of(System.getProperty("user.home"), ".cargo", "bin", "rustfmt");
        return Files.isExecutable(cargo) ? cargo.toString() : "rustfmt";
    }

    private static boolean onPath(String tool) {
        if (tool.startsWith("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Single and double quotes compare alike: require("pg") and require('pg') name the same client. */
    private static String quotes(String s) {
        return s.replace('\'', '"');
    }
}
