package dev.triage.prompt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The database the incident is about; it selects the commands in the prompt. */
public enum DatabaseKind implements Choice {
    POSTGRESQL("postgresql", "PostgreSQL"),
    MYSQL("mysql", "MySQL"),
    MONGODB("mongodb", "MongoDB"),
    REDIS("redis", "Redis"),
    OTHER("other", "Other");

    private final String id;
    private final String label;

    DatabaseKind(String id, String label) {
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
    public static DatabaseKind fromId(String value) {
        return Choice.parse(DatabaseKind.class, value);
    }
}
