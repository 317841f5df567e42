package dev.triage.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The code a prompt shows, per language: files under {@code prompt/snippets/<language>/}, read
 * once. Each is a complete program or unit in its language; the tests compile or syntax-check
 * every one of them.
 */
@ApplicationScoped
public class CodeSnippets {

    /** What a snippet shows. */
    public enum Kind {
        CONNECTIVITY("connectivity"),
        POOL("pool"),
        LOGGING("logging"),
        BREAKER("breaker"),
        RETRY("retry");

        final String file;

        Kind(String file) {
            this.file = file;
        }
    }

    private final Map<Language, Map<Kind, PromptDocument.Code>> snippets = new EnumMap<>(Language.class);

    public CodeSnippets() {
        for (Language language : Language.values()) {
            Map<Kind, PromptDocument.Code> byKind = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                byKind.put(kind, new PromptDocument.Code(fence(language), read(language, kind)));
            }
            snippets.put(language, byKind);
        }
    }

    public PromptDocument.Code get(Language language, Kind kind) {
        return snippets.get(language).get(kind);
    }

    /** The markdown fence tag for a language's code; "other" gets shell. */
    public static String fence(Language language) {
        return language == Language.OTHER ? "bash" : language.id();
    }

    private static String read(Language language, Kind kind) {
        String path = "prompt/snippets/" + language.id() + "/" + kind.file + ".txt";
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing snippet resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
