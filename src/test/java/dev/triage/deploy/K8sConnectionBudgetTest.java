package dev.triage.deploy;

import static dev.triage.deploy.Manifests.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The connection budget (k8s/base/connection-budget.yaml, patched by the ha overlay) is the one
 * source of the numbers: each rendered overlay must use exactly those numbers where they take
 * effect (HPA, rollout, pods' pool sizes, the database's max_connections, the pooler), the
 * application's defaults and code must agree with them, and they must fit.
 */
class K8sConnectionBudgetTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    static ConnectionBudget budget(String overlay) {
        Map<String, Integer> n = new HashMap<>();
        one(overlay, "ConfigMap", "triage-connection-budget").get("data")
                .fields().forEachRemaining(e -> n.put(e.getKey(), Integer.parseInt(e.getValue().asText())));
        return new ConnectionBudget(n, Manifests.find(overlay, "Pooler", "triage-pooler-rw")
                .map(pooler -> pooler.at("/spec/pgbouncer/poolMode").asText()).orElse(null));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theNumbersFit(String overlay) {
        ConnectionBudget budget = budget(overlay);
        System.out.printf("[budget] %s: %d pods x %d (+%d migrations each) -> %d of %d server slots%s%n", overlay,
                budget.podsAtOnce(), budget.clientConnectionsPerPod(), budget.get("migrationPoolMaxSize"),
                budget.serverConnectionsNeeded(), budget.serverSlots(),
                budget.pooled() ? " (through PgBouncer, " + budget.poolMode() + " mode)" : "");
        assertEquals(List.of(), budget.violations(), overlay);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theManifestsUseTheBudgetsNumbers(String overlay) {
        ConnectionBudget budget = budget(overlay);
        assertEquals(budget.get("hpaMaxReplicas"), one(overlay, "HorizontalPodAutoscaler", "triage").at("/spec/maxReplicas").asInt());
        JsonNode deployment = one(overlay, "Deployment", "triage");
        assertEquals(budget.get("rolloutMaxSurge"), deployment.at("/spec/strategy/rollingUpdate/maxSurge").asInt());
        assertEquals(0, deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt(),
                "terminatingPods counts the surge only");
        Map<String, String> fromBudget = new HashMap<>();
        deployment.at("/spec/template/spec/containers/0/env").forEach(e -> {
            if (e.at("/valueFrom/configMapKeyRef/name").asText().equals("triage-connection-budget")) {
                fromBudget.put(e.get("name").asText(), e.at("/valueFrom/configMapKeyRef/key").asText());
            }
        });
        assertEquals(Map.of("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE", "requestPoolMaxSize",
                "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "migrationPoolMaxSize"), fromBudget, overlay + ": pool sizes from the budget");
        JsonNode config = one(overlay, "ConfigMap", "triage").get("data");
        assertFalse(config.has("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE") || config.has("QUARKUS_DATASOURCE_JDBC_MAX_SIZE"),
                overlay + ": a pool size set outside the budget");

        switch (overlay) {
            case "dev" -> {
                JsonNode args = one(overlay, "StatefulSet", "postgres").at("/spec/template/spec/containers/0/args");
                String joined = args.toString();
                assertTrue(joined.contains("\"max_connections=" + budget.get("maxConnections") + "\""), joined);
                assertTrue(joined.contains("\"superuser_reserved_connections=" + budget.get("superuserReservedConnections") + "\""), joined);
            }
            case "ha" -> {
                JsonNode parameters = one(overlay, "Cluster", "triage-db").at("/spec/postgresql/parameters");
                assertEquals(String.valueOf(budget.get("maxConnections")), parameters.get("max_connections").asText());
                assertEquals(String.valueOf(budget.get("superuserReservedConnections")),
                        parameters.get("superuser_reserved_connections").asText());
                JsonNode pooler = one(overlay, "Pooler", "triage-pooler-rw");
                assertEquals(budget.get("poolerInstances"), pooler.at("/spec/instances").asInt());
                assertEquals(String.valueOf(budget.get("poolerDefaultPoolSize")),
                        pooler.at("/spec/pgbouncer/parameters/default_pool_size").asText());
                assertEquals(String.valueOf(budget.get("poolerMaxClientConnections")),
                        pooler.at("/spec/pgbouncer/parameters/max_client_conn").asText());
            }
            default -> {
                // production: an external server; its numbers are declared in the budget.
            }
        }
    }

    @Test
    void theApplicationsDefaultsAndCodeAgreeWithTheBudget() throws IOException {
        ConnectionBudget budget = budget("production");
        assertEquals(String.valueOf(budget.get("requestPoolMaxSize")), Manifests.property("quarkus.datasource.reactive.max-size"),
                "application.properties and the budget disagree on the request pool");
        assertEquals(String.valueOf(budget.get("migrationPoolMaxSize")), Manifests.property("quarkus.datasource.jdbc.max-size"),
                "application.properties and the budget disagree on the migration pool");
        String probe = Files.readString(Manifests.ROOT.resolve("src/main/java/dev/triage/database/DatabaseProbe.java"));
        assertTrue(probe.contains("sidePool(\"triage-probe\", " + budget.get("probePoolSize") + ")"),
                "DatabaseProbe's pool size is not the budget's probePoolSize");
        String guarded = Files.readString(Manifests.ROOT.resolve("src/main/java/dev/triage/database/GuardedPool.java"));
        assertTrue(guarded.contains("FRESH_SESSIONS = " + budget.get("replayConnections") + ";"),
                "GuardedPool's FRESH_SESSIONS is not the budget's replayConnections");
        String properties = Files.readString(Manifests.ROOT.resolve("src/main/resources/application.properties"));
        assertTrue(properties.contains("k8s/base/connection-budget.yaml"),
                "application.properties must point at the connection budget where it sets pool sizes");
    }

    @Test
    void numbersThatDoNotFitAreCaught() {
        // The check must be able to fail: ten replicas of the production budget overflow 200 slots.
        Map<String, Integer> n = new HashMap<>(budget("production").n());
        n.put("hpaMaxReplicas", 10);
        assertFalse(new ConnectionBudget(n, null).violations().isEmpty());
        ConnectionBudget ha = budget("ha");
        assertEquals(List.of(), ha.violations());
        // Transaction mode: the pooler's server pools, not the clients, must fit the server...
        assertFalse(with(ha, "poolerDefaultPoolSize", 100).violations().isEmpty(), "2 x 100 + migrations > 197");
        // ...every Triage connection must get into one pooler instance...
        assertFalse(with(ha, "poolerMaxClientConnections", 100).violations().isEmpty());
        // ...and one pod at full tilt must not queue in it.
        assertFalse(with(ha, "poolerDefaultPoolSize", 10).violations().isEmpty());
        // The same numbers in session mode do not fit: each client would hold a server connection.
        assertFalse(new ConnectionBudget(ha.n(), "session").violations().isEmpty());
        assertFalse(new ConnectionBudget(ha.n(), "statement").violations().isEmpty());
    }

    private static ConnectionBudget with(ConnectionBudget budget, String key, int value) {
        Map<String, Integer> n = new HashMap<>(budget.n());
        n.put(key, value);
        return new ConnectionBudget(n, budget.poolMode());
    }
}
