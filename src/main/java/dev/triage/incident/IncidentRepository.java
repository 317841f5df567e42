package dev.triage.incident;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.triage.database.Database;
import dev.triage.prompt.DatabaseKind;
import dev.triage.prompt.Environment;
import dev.triage.prompt.IncidentContext;
import dev.triage.prompt.Language;
import dev.triage.prompt.Urgency;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** Incident rows, through the guarded database path. Every statement is safe to retry. */
@ApplicationScoped
public class IncidentRepository {

    private static final String COLUMNS = "id, issue_description, error_message, environment, language, urgency,"
            + " include_logs, include_solutions, service, database_kind, labels, log_excerpt, status, notes,"
            + " request_hash, version, created_at, updated_at";

    private final Database database;

    public IncidentRepository(Database database) {
        this.database = database;
    }

    /**
     * Inserts unless the id or the (scope, idempotency key) pair already exists. The id is chosen
     * before the first attempt, so a retry after a lost reply finds its own row instead of adding
     * a second. Scope and key are both null or both set.
     */
    public Uni<Optional<Incident>> insert(UUID id, IncidentContext c, String idempotencyScope, String idempotencyKey,
            String requestHash) {
        String sql = "INSERT INTO incidents (id, issue_description, error_message, environment, language, urgency,"
                + " include_logs, include_solutions, service, database_kind, labels, log_excerpt, idempotency_scope,"
                + " idempotency_key, request_hash)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
                + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS;
        Tuple args = Tuple.from(Arrays.asList(id, c.issueDescription(), c.errorMessage(), c.environment().id(),
                c.language().id(), c.urgency().id(), c.includeLogs(), c.includeSolutions(), c.service(),
                c.database().id(), new JsonObject(Map.copyOf(c.labels())), c.logExcerpt(),
                idempotencyKey == null ? null : idempotencyScope, idempotencyKey, requestHash));
        return database.update("incident.insert", sql, args).map(IncidentRepository::first);
    }

    public Uni<Optional<Incident>> findById(UUID id) {
        return database.query("incident.find", "SELECT " + COLUMNS + " FROM incidents WHERE id = $1", Tuple.of(id))
                .map(IncidentRepository::first);
    }

    public Uni<Optional<Incident>> findByIdempotencyKey(String scope, String key) {
        return database.query("incident.find-by-key", "SELECT " + COLUMNS + " FROM incidents"
                + " WHERE idempotency_scope = $1 AND idempotency_key = $2", Tuple.of(scope, key))
                .map(IncidentRepository::first);
    }

    /** One page, newest first, starting after the cursor; asks for one row more to know if a next page exists. */
    public Uni<List<Incident>> list(IncidentFilter filter, Cursor after, int rows) {
        String sql = "SELECT " + COLUMNS + " FROM incidents"
                + " WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR urgency = $2)"
                + " AND ($3::text IS NULL OR environment = $3)"
                + " AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))"
                + " ORDER BY created_at DESC, id DESC LIMIT $6";
        Tuple args = Tuple.from(Arrays.asList(
                filter.status() == null ? null : filter.status().id(),
                filter.urgency() == null ? null : filter.urgency().id(),
                filter.environment() == null ? null : filter.environment().id(),
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                rows));
        return database.query("incident.list", sql, args).map(result -> {
            List<Incident> page = new ArrayList<>();
            result.forEach(row -> page.add(map(row)));
            return page;
        });
    }

    /** Applies a change if the row is still at {@code expectedVersion}; empty when it is not (or is gone). */
    public Uni<Optional<Incident>> update(UUID id, int expectedVersion, IncidentStatus status, String notes) {
        String sql = "UPDATE incidents SET status = $3, notes = $4, version = version + 1,"
                + " updated_at = clock_timestamp() WHERE id = $1 AND version = $2 RETURNING " + COLUMNS;
        return database.update("incident.update", sql, Tuple.from(Arrays.asList(id, expectedVersion, status.id(), notes)))
                .map(IncidentRepository::first);
    }

    private static Optional<Incident> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    @SuppressWarnings("unchecked")
    private static Incident map(Row row) {
        JsonObject labels = row.getJsonObject("labels");
        IncidentContext context = new IncidentContext(
                row.getString("issue_description"),
                row.getString("error_message"),
                Environment.fromId(row.getString("environment")),
                Language.fromId(row.getString("language")),
                Urgency.fromId(row.getString("urgency")),
                row.getBoolean("include_logs"),
                row.getBoolean("include_solutions"),
                row.getString("service"),
                row.getString("database_kind") == null ? null : DatabaseKind.fromId(row.getString("database_kind")),
                labels == null ? Map.of() : Map.copyOf((Map<String, String>) (Map<String, ?>) labels.getMap()),
                row.getString("log_excerpt"));
        return new Incident(row.getUUID("id"), IncidentStatus.fromId(row.getString("status")), row.getString("notes"),
                context, row.getInteger("version"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"), row.getString("request_hash"));
    }
}
