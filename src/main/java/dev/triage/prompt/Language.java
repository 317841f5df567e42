package dev.triage.prompt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The programming language of the failing application; it selects the code in the prompt. */
public enum Language implements Choice {
    PYTHON("python", "Python"),
    JAVA("java", "Java"),
    GO("go", "Go"),
    JAVASCRIPT("javascript", "JavaScript"),
    TYPESCRIPT("typescript", "TypeScript"),
    RUBY("ruby", "Ruby"),
    CSHARP("csharp", "C#"),
    PHP("php", "PHP"),
    RUST("rust", "Rust"),
    OTHER("other", "Other");

    private final String id;
    private final String label;

    Language(String id, String label) {
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

    @JsonCreator
    public static Language fromId(String value) {
        return Choice.parse(Language.class, value);
    }
}
