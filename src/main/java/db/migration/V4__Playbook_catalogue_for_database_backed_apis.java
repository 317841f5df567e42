package db.migration;

import java.sql.PreparedStatement;
import java.util.Set;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.triage.playbook.Playbook;
import dev.triage.playbook.PlaybookDefaults;

/**
 * Brings a database seeded by V2 up to the shipped catalogue: adds the playbooks for the
 * incidents of a database-backed API (slow queries, lock contention, deadlocks, connection leaks,
 * replication lag, application memory, failing upstreams, rate limits) and refreshes the seeded
 * playbooks with the new match rules (database error codes), commands and order. A playbook an
 * admin has changed through the API (version above 1) is left as the admin wrote it, and a seeded
 * playbook an admin deleted is not brought back. On a new database V2 has already inserted this
 * same catalogue, so nothing changes here.
 */
public class V4__Playbook_catalogue_for_database_backed_apis extends BaseJavaMigration {

    /** The playbooks this migration adds; the others existed in V2 and are only refreshed. */
    static final Set<String> ADDED = Set.of("slow-query", "lock-contention", "deadlock", "connection-leak",
            "replication-lag", "app-memory", "upstream-failure", "rate-limit");

    @Override
    public void migrate(Context context) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String insert = "INSERT INTO playbooks (id, position, title, category, symptom, match, solutions, prevention, commands)"
                + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING";
        String refresh = "UPDATE playbooks SET position = ?, title = ?, category = ?, symptom = ?, match = ?::jsonb,"
                + " solutions = ?::jsonb, prevention = ?, commands = ?::jsonb, version = version + 1,"
                + " updated_at = clock_timestamp()"
                + " WHERE id = ? AND version = 1"
                + " AND (position, title, category, symptom, match, solutions, prevention, commands)"
                + " IS DISTINCT FROM (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb)";
        try (PreparedStatement add = context.getConnection().prepareStatement(insert);
             PreparedStatement update = context.getConnection().prepareStatement(refresh)) {
            for (Playbook p : PlaybookDefaults.load()) {
                String match = json.writeValueAsString(p.match());
                String solutions = json.writeValueAsString(p.solutions());
                String commands = json.writeValueAsString(p.commands());
                if (ADDED.contains(p.id())) {
                    add.setString(1, p.id());
                    add.setInt(2, p.position());
                    add.setString(3, p.title());
                    add.setString(4, p.category());
                    add.setString(5, p.symptom());
                    add.setString(6, match);
                    add.setString(7, solutions);
                    add.setString(8, p.prevention());
                    add.setString(9, commands);
                    add.addBatch();
                } else {
                    for (int offset : new int[] { 0, 9 }) {
                        update.setInt(offset + 1, p.position());
                        update.setString(offset + 2, p.title());
                        update.setString(offset + 3, p.category());
                        update.setString(offset + 4, p.symptom());
                        update.setString(offset + 5, match);
                        update.setString(offset + 6, solutions);
                        update.setString(offset + 7, p.prevention());
                        update.setString(offset + 8, commands);
                    }
                    update.setString(9, p.id());
                    update.addBatch();
                }
            }
            add.executeBatch();
            update.executeBatch();
        }
    }
}
