package dev.triage.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The code a prompt shows, per language and database: {@code prompt/snippets/<language>/<database>/<kind>.txt},
 * falling back to {@code prompt/snippets/<language>/<kind>.txt} for code that does not depend on the
 * database (a circuit breaker) or for a database without its own client code ("other"). Every
 * combination is read once, at start. Each snippet is a complete program or unit in its
 * language; the tests compile or parse every one.
 */
@ApplicationScoped
public class CodeSnippets {

    /** What a snippet shows. */
    public enum Kind {
        CONNECTIVITY,
        POOL,
        LOGGING,
        BREAKER,
        RETRY;

        public String file() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A resolved snippet: its code and the resource it came from. */
    public record Snippet(PromptDocument.Code code, String resource) {
    }

    private final Map<String, Snippet> snippets = new HashMap<>();

    public CodeSnippets(StackProfiles profiles) {
        Map<String, String> files = new HashMap<>();
        for (String language : profiles.languageIds()) {
            String fence = profiles.language(language).fence();
            for (String database : profiles.databaseIds()) {
                for (Kind kind : Kind.values()) {
                    String own = "prompt/snippets/" + language + "/" + database + "/" + kind.file() + ".txt";
                    String shared = "prompt/snippets/" + language + "/" + kind.file() + ".txt";
                    String resource = read(files, own) != null ? own : shared;
                    String source = read(files, resource);
                    if (source == null) {
                        throw new IllegalStateException("missing snippet " + own + " (or " + shared + ")");
                    }
                    snippets.put(key(language, database, kind),
                            new Snippet(new PromptDocument.Code(fence, source), resource));
                }
            }
        }
    }

    public PromptDocument.Code get(String language, String database, Kind kind) {
        return resolve(language, database, kind).code();
    }

    public Snippet resolve(String language, String database, Kind kind) {
        Snippet snippet = snippets.get(key(language, database, kind));
        if (snippet == null) {
            throw new IllegalArgumentException("no snippet for " + key(language, database, kind));
        }
        return snippet;
    }

    /** Every snippet a prompt can show, by language/database/kind. */
    public List<String> keys() {
        return snippets.keySet().stream().sorted().toList();
    }

    private static String key(String language, String database, Kind kind) {
        return language + "/" + database + "/" + kind.file();
    }

    private static String read(Map<String, String> cache, String path) {
        if (cache.containsKey(path)) {
            return cache.get(path);
        }
        String text;
        try (InputStream in = CodeSnippets.class.getClassLoader().getResourceAsStream(path)) {
            text = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cache.put(path, text);
        return text;
    }
}
