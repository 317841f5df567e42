package dev.triage.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.Context;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import db.migration.V4__Playbook_catalogue_for_database_backed_apis;
import io.quarkus.test.junit.QuarkusTest;

/**
 * V4 on a database that V2 seeded with the first catalogue (nine playbooks), in a schema of its
 * own on the test PostgreSQL: the new playbooks are added, the untouched seeded ones get the new
 * rules and order, and what an admin changed or deleted stays as the admin left it.
 */
@QuarkusTest
class CatalogueMigrationTest {

    @Test
    void v4UpgradesACatalogueSeededByV2AndRespectsAdminChanges() throws Exception {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String user = ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class);
        String password = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS v4_check CASCADE");
            st.execute("CREATE SCHEMA v4_check");
            st.execute("SET search_path TO v4_check");
            st.execute(resource("db/migration/V1__incidents_and_playbooks.sql"));
            seedAsV2Did(c);
            // An admin changed one seeded playbook and deleted another.
            st.execute("UPDATE playbooks SET title = 'Our own DNS runbook', version = 2 WHERE id = 'dns'");
            st.execute("DELETE FROM playbooks WHERE id = 'tls'");

            new V4__Playbook_catalogue_for_database_backed_apis().migrate(context(c));

            Map<String, Row> rows = rows(c);
            List<Playbook> shipped = PlaybookDefaults.load();
            assertEquals(shipped.size() - 1, rows.size(), () -> "rows: " + rows.keySet());
            for (String added : List.of("slow-query", "lock-contention", "deadlock", "connection-leak", "replication-lag",
                    "app-memory", "upstream-failure", "rate-limit")) {
                assertTrue(rows.containsKey(added), added + " added");
                assertEquals(1, rows.get(added).version(), added + " is new");
            }
            assertFalse(rows.containsKey("tls"), "a playbook the admin deleted is not brought back");
            assertEquals("Our own DNS runbook", rows.get("dns").title(), "the admin's change stays");
            assertEquals(2, rows.get("dns").version());
            assertFalse(rows.get("dns").match().contains("mysql:2005"), "the admin's rules stay");
            Row readOnly = rows.get("read-only");
            assertTrue(readOnly.match().contains("redis:READONLY") && readOnly.match().contains("mysql:1290"),
                    "an untouched seeded playbook gets the new codes: " + readOnly.match());
            assertEquals(2, readOnly.version(), "and a new version");
            Playbook shippedReadOnly = shipped.stream().filter(p -> p.id().equals("read-only")).findFirst().orElseThrow();
            assertEquals(shippedReadOnly.position(), readOnly.position(), "and the new order");

            // Running it again changes nothing.
            new V4__Playbook_catalogue_for_database_backed_apis().migrate(context(c));
            assertEquals(rows, rows(c));
            st.execute("DROP SCHEMA v4_check CASCADE");
        }
    }

    private record Row(String title, int position, int version, String match) {
    }

    private static Map<String, Row> rows(Connection c) throws Exception {
        Map<String, Row> rows = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, title, position, version, match::text FROM playbooks")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Row(rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5)));
            }
        }
        return rows;
    }

    /** What V2 inserted on a database created before V4: the first catalogue, in file order. */
    private static void seedAsV2Did(Connection c) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> first;
        try (InputStream in = CatalogueMigrationTest.class.getClassLoader().getResourceAsStream("playbooks/catalogue-v2.json")) {
            first = json.readValue(in, new TypeReference<>() {
            });
        }
        assertEquals(9, first.size());
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO playbooks (id, position, title, category, symptom,"
                + " match, solutions, prevention, commands) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb)")) {
            for (int i = 0; i < first.size(); i++) {
                Map<String, Object> p = first.get(i);
                insert.setString(1, (String) p.get("id"));
                insert.setInt(2, i + 1);
                insert.setString(3, (String) p.get("title"));
                insert.setString(4, (String) p.get("category"));
                insert.setString(5, (String) p.get("symptom"));
                insert.setString(6, json.writeValueAsString(p.get("match")));
                insert.setString(7, json.writeValueAsString(p.get("solutions")));
                insert.setString(8, (String) p.get("prevention"));
                insert.setString(9, json.writeValueAsString(p.get("commands")));
                insert.executeUpdate();
            }
        }
    }

    private static Context context(Connection c) {
        return new Context() {
            @Override
            public Configuration getConfiguration() {
                return null;
            }

            @Override
            public Connection getConnection() {
                return c;
            }
        };
    }

    private static String resource(String path) throws Exception {
        try (InputStream in = CatalogueMigrationTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
