package dev.triage.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

/**
 * Every connection Triage opens (request pool, probe, replays, diagnostics) gets a copy of the
 * options Quarkus built. The copy must keep what a transaction-mode PgBouncer needs: without
 * use-layer7-proxy the client sends Bind without Parse, and each statement fails with 26000
 * (.ci/pgbouncer-e2e.sh runs it through a real PgBouncer).
 */
class BoundedPoolCreatorTest {

    @Test
    void theCopyKeepsTheSettingsForATransactionModePooler() {
        PgConnectOptions quarkus = new PgConnectOptions().setHost("triage-pooler-rw").setPort(5432)
                .setUseLayer7Proxy(true).setCachePreparedStatements(false).setPipeliningLimit(16)
                .setSslMode(SslMode.VERIFY_FULL).addProperty("application_name", "triage");

        PgConnectOptions copy = BoundedPoolCreator.copyOf(quarkus);

        assertTrue(copy.getUseLayer7Proxy(), "use-layer7-proxy lost in the copy");
        assertFalse(copy.getCachePreparedStatements());
        assertEquals(16, copy.getPipeliningLimit());
        assertEquals(SslMode.VERIFY_FULL, copy.getSslMode());
        assertEquals("triage", copy.getProperties().get("application_name"));
        assertEquals("triage-pooler-rw", copy.getHost());
        // Direct connections keep the defaults: named, cached statements; no layer 7 proxy.
        PgConnectOptions direct = BoundedPoolCreator.copyOf(new PgConnectOptions().setCachePreparedStatements(true));
        assertFalse(direct.getUseLayer7Proxy());
        assertTrue(direct.getCachePreparedStatements());
    }
}
