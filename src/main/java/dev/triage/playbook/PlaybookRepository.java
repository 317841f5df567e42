package dev.triage.playbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.triage.database.Database;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Playbook rows, through the guarded database path. */
@ApplicationScoped
public class PlaybookRepository {

    private static final String COLUMNS = "id, position, title, category, symptom, match, solutions, prevention,"
            + " commands, version";

    private final Database database;

    public PlaybookRepository(Database database) {
        this.database = database;
    }

    public Uni<List<Playbook>> findAll() {
        return database.query("playbook.list", "SELECT " + COLUMNS + " FROM playbooks ORDER BY position, id", Tuple.tuple())
                .map(rows -> {
                    List<Playbook> all = new ArrayList<>();
                    rows.forEach(row -> all.add(map(row)));
                    return all;
                });
    }

    public Uni<Optional<Playbook>> findById(String id) {
        return database.query("playbook.find", "SELECT " + COLUMNS + " FROM playbooks WHERE id = $1", Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /**
     * Creates or replaces a playbook. Writing the same content again changes nothing (no new
     * version), so a retried request is harmless. Returns empty when nothing changed.
     */
    public Uni<Optional<Saved>> upsert(String id, Playbook p) {
        String sql = "INSERT INTO playbooks AS p (id, position, title, category, symptom, match, solutions, prevention,"
                + " commands) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                + " ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, title = EXCLUDED.title,"
                + " category = EXCLUDED.category, symptom = EXCLUDED.symptom, match = EXCLUDED.match,"
                + " solutions = EXCLUDED.solutions, prevention = EXCLUDED.prevention, commands = EXCLUDED.commands,"
                + " version = p.version + 1, updated_at = clock_timestamp()"
                + " WHERE (p.position, p.title, p.category, p.symptom, p.match, p.solutions, p.prevention, p.commands)"
                + " IS DISTINCT FROM (EXCLUDED.position, EXCLUDED.title, EXCLUDED.category, EXCLUDED.symptom,"
                + " EXCLUDED.match, EXCLUDED.solutions, EXCLUDED.prevention, EXCLUDED.commands)"
                + " RETURNING " + COLUMNS + ", (xmax = 0) AS inserted";
        Tuple args = Tuple.tuple(List.of(id, p.position(), p.title(), p.category(), p.symptom(),
                JsonObject.mapFrom(p.match()), new JsonArray(p.solutions()), p.prevention(),
                JsonObject.mapFrom(p.commands())));
        return database.update("playbook.upsert", sql, args).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new Saved(map(row), row.getBoolean("inserted")));
        });
    }

    public Uni<Boolean> delete(String id) {
        return database.update("playbook.delete", "DELETE FROM playbooks WHERE id = $1", Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> commands(JsonObject json) {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        for (String database : json.fieldNames()) {
            commands.put(database, List.copyOf((List<String>) json.getJsonArray(database).getList()));
        }
        return commands;
    }

    /** A playbook after a write, and whether the write created it. */
    public record Saved(Playbook playbook, boolean created) {
    }

    @SuppressWarnings("unchecked")
    private static Playbook map(Row row) {
        return new Playbook(row.getString("id"), row.getInteger("position"), row.getString("title"),
                row.getString("category"), row.getString("symptom"),
                row.getJsonObject("match").mapTo(Playbook.MatchRules.class),
                row.getJsonArray("solutions").getList(),
                row.getString("prevention"),
                commands(row.getJsonObject("commands")),
                row.getInteger("version"));
    }
}
