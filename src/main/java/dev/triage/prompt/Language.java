package dev.triage.prompt;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The programming language of the failing application; it selects the code in the prompt. The
 * accepted ids are those of {@code prompt/languages.json} (the OpenAPI document lists them).
 */
@RegisterForReflection
@Schema(name = "Language", type = SchemaType.STRING, description = "A language id from prompt/languages.json")
public final class Language extends StackChoice {

    private static final Catalogue<Language> ALL = new Catalogue<>(StackProfiles.LANGUAGES, Language::new);

    public static final Language PYTHON = ALL.known("python");
    public static final Language JAVA = ALL.known("java");
    public static final Language GO = ALL.known("go");
    public static final Language JAVASCRIPT = ALL.known("javascript");
    public static final Language TYPESCRIPT = ALL.known("typescript");
    public static final Language RUBY = ALL.known("ruby");
    public static final Language CSHARP = ALL.known("csharp");
    public static final Language PHP = ALL.known("php");
    public static final Language RUST = ALL.known("rust");
    public static final Language OTHER = ALL.known("other");

    private Language(String id, String label) {
        super(id, label);
    }

    /** Every accepted language, in file order. */
    public static List<Language> values() {
        return ALL.values();
    }

    @JsonCreator
    public static Language fromId(String value) {
        return ALL.fromId(value);
    }
}
