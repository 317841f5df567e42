package dev.triage.prompt;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The database the incident is about; it selects the commands and the code in the prompt. The
 * accepted ids are those of {@code prompt/databases.json} (the OpenAPI document lists them).
 */
@RegisterForReflection
@Schema(name = "DatabaseKind", type = SchemaType.STRING, description = "A database id from prompt/databases.json")
public final class DatabaseKind extends StackChoice {

    private static final Catalogue<DatabaseKind> ALL = new Catalogue<>(StackProfiles.DATABASES, DatabaseKind::new);

    public static final DatabaseKind POSTGRESQL = ALL.known("postgresql");
    public static final DatabaseKind MYSQL = ALL.known("mysql");
    public static final DatabaseKind MONGODB = ALL.known("mongodb");
    public static final DatabaseKind REDIS = ALL.known("redis");
    public static final DatabaseKind OTHER = ALL.known("other");

    private DatabaseKind(String id, String label) {
        super(id, label);
    }

    /** Every accepted database, in file order. */
    public static List<DatabaseKind> values() {
        return ALL.values();
    }

    @JsonCreator
    public static DatabaseKind fromId(String value) {
        return ALL.fromId(value);
    }
}
