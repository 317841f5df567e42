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
 * The database the incident is about; it selects the commands and the code in the prompt. The
 * accepted ids are those of {@code prompt/databases.json} (the OpenAPI document lists them).
 */
@RegisterForReflection
@Schema(name = "DatabaseKind", type = SchemaType.STRING, description = "A database id from prompt/databases.json")
public final class DatabaseKind implements Choice {

    private static final Map<String, DatabaseKind> ALL = new LinkedHashMap<>();

    static {
        StackIds.read(StackProfiles.DATABASES).forEach((id, label) -> ALL.put(id, new DatabaseKind(id, label)));
    }

    public static final DatabaseKind POSTGRESQL = known("postgresql");
    public static final DatabaseKind MYSQL = known("mysql");
    public static final DatabaseKind MONGODB = known("mongodb");
    public static final DatabaseKind REDIS = known("redis");
    public static final DatabaseKind OTHER = known("other");

    private final String id;
    private final String label;

    private DatabaseKind(String id, String label) {
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

    /** Every accepted database, in file order. */
    public static List<DatabaseKind> values() {
        return List.copyOf(ALL.values());
    }

    @JsonCreator
    public static DatabaseKind fromId(String value) {
        DatabaseKind kind = value == null ? null : ALL.get(value.trim().toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new IllegalArgumentException("'" + value + "' is not one of " + ALL.keySet().stream().toList());
        }
        return kind;
    }

    private static DatabaseKind known(String id) {
        DatabaseKind kind = ALL.get(id);
        if (kind == null) {
            throw new IllegalStateException(StackProfiles.DATABASES + " must keep '" + id + "' (Triage uses it)");
        }
        return kind;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseKind other && other.id.equals(id);
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
