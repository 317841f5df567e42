package dev.triage.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the prompt knows about each database and each language, as data: {@code prompt/databases.json}
 * (commands, default port, references) and {@code prompt/languages.json} (code fence, and per
 * database the usual client and pool). The code itself is in {@code prompt/snippets/}
 * ({@link CodeSnippets}). Adding a database or a language is adding to these files.
 */
@ApplicationScoped
public class StackProfiles {

    public static final String DATABASES = "prompt/databases.json";
    public static final String LANGUAGES = "prompt/languages.json";

    /** A database: its operator commands, default port and references. */
    @RegisterForReflection
    public record Database(String id, String label, String port, List<String> serviceStatus,
            List<String> healthCheck, String serverLog, List<String> resources) {
    }

    /**
     * The usual client of a database in a language: its name, the pool to use, and the strings
     * that identify it in code (the tests check that a connectivity snippet names its own client
     * and no other database's).
     */
    @RegisterForReflection
    public record Client(String name, String pool, List<String> markers) {
    }

    /** A language: its markdown code fence and its client per database id. */
    @RegisterForReflection
    public record LanguageProfile(String id, String label, String fence, Map<String, Client> clients) {
    }

    private final Map<String, Database> databases;
    private final Map<String, LanguageProfile> languages;

    public StackProfiles() {
        ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.databases = index(read(json, DATABASES, new TypeReference<List<Database>>() {
        }), Database::id);
        this.languages = index(read(json, LANGUAGES, new TypeReference<List<LanguageProfile>>() {
        }), LanguageProfile::id);
        for (LanguageProfile language : languages.values()) {
            for (String database : databases.keySet()) {
                if (!language.clients().containsKey(database)) {
                    throw new IllegalStateException(LANGUAGES + ": " + language.id() + " names no client for " + database);
                }
            }
        }
    }

    /** Database ids in file order. */
    public List<String> databaseIds() {
        return List.copyOf(databases.keySet());
    }

    /** Language ids in file order. */
    public List<String> languageIds() {
        return List.copyOf(languages.keySet());
    }

    public Database database(String id) {
        return require(databases, id, DATABASES);
    }

    public LanguageProfile language(String id) {
        return require(languages, id, LANGUAGES);
    }

    public Client client(String language, String database) {
        return language(language).clients().get(database);
    }

    private static <T> T require(Map<String, T> map, String id, String file) {
        T value = map.get(id);
        if (value == null) {
            throw new IllegalStateException(file + " has no entry '" + id + "'");
        }
        return value;
    }

    private static <T> Map<String, T> index(List<T> list, java.util.function.Function<T, String> id) {
        Map<String, T> map = new LinkedHashMap<>();
        list.forEach(item -> map.put(id.apply(item), item));
        return map;
    }

    private static <T> T read(ObjectMapper json, String path, TypeReference<T> type) {
        try (InputStream in = StackProfiles.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing " + path);
            }
            return json.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
