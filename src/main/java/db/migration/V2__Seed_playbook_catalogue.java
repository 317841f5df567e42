package db.migration;

import java.sql.PreparedStatement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.triage.playbook.Playbook;
import dev.triage.playbook.PlaybookDefaults;

/**
 * Seeds the playbook catalogue from the copy that ships on the classpath, so the database and
 * the in-memory fallback start from one source. Later catalogue changes are made through the
 * API (PUT /api/v1/playbooks/{id}) or a new migration, never by editing this one.
 */
public class V2__Seed_playbook_catalogue extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (PreparedStatement insert = context.getConnection().prepareStatement(
                "INSERT INTO playbooks (id, position, title, category, symptom, match, solutions, prevention, commands)"
                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb)")) {
            for (Playbook p : PlaybookDefaults.load()) {
                insert.setString(1, p.id());
                insert.setInt(2, p.position());
                insert.setString(3, p.title());
                insert.setString(4, p.category());
                insert.setString(5, p.symptom());
                insert.setString(6, json.writeValueAsString(p.match()));
                insert.setString(7, json.writeValueAsString(p.solutions()));
                insert.setString(8, p.prevention());
                insert.setString(9, json.writeValueAsString(p.commands()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
