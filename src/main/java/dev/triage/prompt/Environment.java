package dev.triage.prompt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where the incident happens. */
public enum Environment implements Choice {
    PRODUCTION("production", "Production"),
    STAGING("staging", "Staging"),
    DEVELOPMENT("development", "Development"),
    TEST("test", "Test");

    private final String id;
    private final String label;

    Environment(String id, String label) {
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
    public static Environment fromId(String value) {
        return Choice.parse(Environment.class, value);
    }
}
