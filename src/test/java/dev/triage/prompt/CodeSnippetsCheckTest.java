package dev.triage.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code snippet a prompt can show is checked as code in its language: compiled where the
 * compiler is on the machine (Java through the JDK compiler API, Python with py_compile,
 * JavaScript with node --check, shell with bash -n, Rust with rustfmt's parser, Go with gofmt,
 * Ruby with ruby -c, PHP with php -l). Where a tool is missing, the snippet is still checked for
 * being well-formed (balanced brackets, non-empty, names its driver), and the output says which
 * check was skipped.
 */
class CodeSnippetsCheckTest {

    private static final CodeSnippets SNIPPETS = new CodeSnippets();

    /** What the connectivity test must name: the language's usual PostgreSQL driver. */
    private static final Map<Language, String> DRIVERS = Map.of(
            Language.PYTHON, "psycopg", Language.JAVA, "jdbc:postgresql", Language.GO, "pgx",
            Language.JAVASCRIPT, "pg", Language.TYPESCRIPT, "pg", Language.RUBY, "PG.connect",
            Language.CSHARP, "Npgsql", Language.PHP, "pgsql", Language.RUST, "tokio_postgres",
            Language.OTHER, "psql");

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> everySnippetIsValidCodeInItsLanguage() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Language language : Language.values()) {
            for (CodeSnippets.Kind kind : CodeSnippets.Kind.values()) {
                tests.add(DynamicTest.dynamicTest(language.id() + "/" + kind.name().toLowerCase(Locale.ROOT),
                        () -> check(language, kind, SNIPPETS.get(language, kind).source())));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> connectivityTestsUseTheLanguagesDriverAndRetryHelpersBackOff() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Language language : Language.values()) {
            tests.add(DynamicTest.dynamicTest(language.id(), () -> {
                String connectivity = SNIPPETS.get(language, CodeSnippets.Kind.CONNECTIVITY).source();
                assertTrue(connectivity.contains(DRIVERS.get(language)),
                        language + " connectivity test should use " + DRIVERS.get(language));
                String retry = SNIPPETS.get(language, CodeSnippets.Kind.RETRY).source().toLowerCase(Locale.ROOT);
                assertTrue(retry.contains("retry"), language + " retry helper");
                assertTrue(retry.contains("jitter") || retry.contains("random"), language + " retry helper has jitter");
            }));
        }
        return tests.stream();
    }

    private void check(Language language, CodeSnippets.Kind kind, String source) throws Exception {
        assertFalse(source.isBlank(), "empty snippet");
        assertFalse(source.contains("..."), "placeholder in snippet");
        assertBalanced(language, source);
        switch (language) {
            case JAVA -> compileJava(source);
            case PYTHON -> runTool(List.of("python3", "-m", "py_compile"), "snippet.py", source);
            case JAVASCRIPT -> runTool(List.of("node", "--check"), "snippet.js", source);
            case OTHER -> runTool(List.of("bash", "-n"), "snippet.sh", source);
            case RUST -> runTool(List.of(rustfmt(), "--edition", "2021", "--check"), "snippet.rs", source);
            case GO -> runTool(List.of("gofmt", "-e", "-l"), "snippet.go", source);
            case RUBY -> runTool(List.of("ruby", "-c"), "snippet.rb", source);
            case PHP -> runTool(List.of("php", "-l"), "snippet.php", source);
            case TYPESCRIPT, CSHARP -> System.out.printf("[snippet-check] %s/%s: no compiler on this machine;"
                    + " checked well-formed only%n", language.id(), kind.name().toLowerCase(Locale.ROOT));
        }
    }

    private void compileJava(String source) throws IOException {
        Matcher publicClass = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(source);
        String name = publicClass.find() ? publicClass.group(1) : "Snippet";
        Path dir = Files.createTempDirectory(work, "java");
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(null, files, diagnostics, List.of("-d", dir.toString(), "-proc:none"), null,
                    files.getJavaFileObjects(file)).call();
            assertTrue(ok, "javac: " + diagnostics.getDiagnostics());
        }
    }

    private void runTool(List<String> command, String fileName, String source) throws Exception {
        String tool = command.get(0);
        if (!onPath(tool)) {
            System.out.printf("[snippet-check] %s not installed: %s checked well-formed only%n", tool, fileName);
            return;
        }
        Path dir = Files.createTempDirectory(work, "snippet");
        Path file = dir.resolve(fileName);
        Files.writeString(file, source + "\n", StandardCharsets.UTF_8);
        List<String> full = new ArrayList<>(command);
        full.add(file.toString());
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), tool + " timed out");
        assertEquals(0, p.exitValue(), tool + " rejected " + fileName + ":\n" + output);
        if (tool.equals("gofmt")) {
            // gofmt -l lists files it would reformat; -e reports every syntax error (exit code 2)
            assertTrue(output.isBlank() || output.trim().endsWith(fileName), output);
        }
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

    /** Brackets balance outside strings and comments (a cheap well-formedness check for every language). */
    private static void assertBalanced(Language language, String source) {
        if (language == Language.OTHER || language == Language.RUBY) {
            return; // shell case/esac patterns and Ruby blocks use unpaired brackets legitimately
        }
        String stripped = source
                .replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"")
                .replaceAll("'(?:\\\\.|[^'\\\\\\n])*'", "''")
                .replaceAll("`(?:\\\\.|[^`\\\\])*`", "``")
                .replaceAll("(?m)//.*$", "")
                .replaceAll("(?m)^\\s*#.*$", "");
        int round = 0;
        int curly = 0;
        int square = 0;
        for (char c : stripped.toCharArray()) {
            switch (c) {
                case '(' -> round++;
                case ')' -> round--;
                case '{' -> curly++;
                case '}' -> curly--;
                case '[' -> square++;
                case ']' -> square--;
                default -> {
                }
            }
            assertTrue(round >= 0 && curly >= 0 && square >= 0, "closing bracket before its opening one");
        }
        assertEquals(0, round, "unbalanced ()");
        assertEquals(0, curly, "unbalanced {}");
        assertEquals(0, square, "unbalanced []");
    }
}
