package dev.triage.prompt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The programming language of the failing application; it selects the code in the prompt. The
 * accepted ids are those of {@code prompt/languages.json} (the OpenAPI document lists them).
 */
@RegisterForReflection
@Schema(name = "Language", type = SchemaType.STRING, description = "A language id from prompt/languages.json")
public final class Language implements Choice {

    private static final Map<String, Language> ALL = new LinkedHashMap<>();

    static {
        StackIds.read(StackProfiles.LANGUAGES).forEach((id, label) -> ALL.put(id, new Language(id, label)));
    }

    public static final Language PYTHON = known("python");
    public static final Language JAVA = known("java");
    public static final Language GO = known("go");
    public static final Language JAVASCRIPT = known("javascript");
    public static final Language TYPESCRIPT = known("typescript");
    public static final Language RUBY = known("ruby");
    public static final Language CSHARP = known("csharp");
    public static final Language PHP = known("php");
    public static final Language RUST = known("rust");
    public static final Language OTHER = known("other");

    private final String id;
    private final String label;

    private Language(String id, String label) {
        this.id = id;
        this.label = label;
    }

    @JsonValue
    @Override
    public String id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }

    /** Every accepted language, in file order. */
    public static List<Language> values() {
        return List.copyOf(ALL.values());
    }

    @JsonCreator
    public static Language fromId(String value) {
        Language language = value == null ? null : ALL.get(value.trim().toLowerCase(Locale.ROOT));
        if (language == null) {
            throw new IllegalArgumentException("'" + value + "' is not one of " + ALL.keySet().stream().toList());
        }
        return language;
    }

    private static Language known(String id) {
        Language language = ALL.get(id);
        if (language == null) {
            throw new IllegalStateException(StackProfiles.LANGUAGES + " must keep '" + id + "' (Triage uses it)");
        }
        return language;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Language other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
