package dev.triage.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The connection budget of k8s/base/connection-budget.yaml as arithmetic: what one overlay's
 * numbers add up to, and whether that fits the database. See that file for the formulas.
 */
record ConnectionBudget(Map<String, Integer> n, boolean pooled) {

    int get(String key) {
        Integer value = n.get(key);
        if (value == null) {
            throw new AssertionError("the connection budget has no " + key + ": " + n.keySet());
        }
        return value;
    }

    int podsAtOnce() {
        return get("hpaMaxReplicas") + get("rolloutMaxSurge") + get("terminatingPods");
    }

    /** Connections one pod may open to where DB_HOST points (the server, or the pooler). */
    int clientConnectionsPerPod() {
        return get("requestPoolMaxSize") + get("probePoolSize") + get("diagnosticsConnections")
                + get("replayConnections");
    }

    int serverSlots() {
        return get("maxConnections") - get("superuserReservedConnections") - get("reservedConnections");
    }

    /** Server connections in the worst case, operators' headroom included. */
    int serverConnectionsNeeded() {
        // Direct, or through PgBouncer in session mode (each client connection holds a server one).
        int migrations = podsAtOnce() * get("migrationPoolMaxSize");
        return podsAtOnce() * clientConnectionsPerPod() + migrations + get("operatorHeadroom");
    }

    /** What does not fit, in words; empty when everything fits. */
    List<String> violations() {
        List<String> out = new ArrayList<>();
        if (serverConnectionsNeeded() > serverSlots()) {
            out.add("the database needs up to " + serverConnectionsNeeded() + " connections but has " + serverSlots()
                    + " (max_connections " + get("maxConnections") + " - reserved)");
        }
        int clients = podsAtOnce() * clientConnectionsPerPod();
        if (pooled && clients > get("poolerMaxClientConnections")) {
            out.add(podsAtOnce() + " pods x " + clientConnectionsPerPod() + " client connections exceed one pooler"
                    + " instance's max_client_conn " + get("poolerMaxClientConnections"));
        }
        if (pooled && clients > get("poolerDefaultPoolSize")) {
            out.add(clients + " client connections exceed one pooler instance's server pool "
                    + get("poolerDefaultPoolSize") + ": in session mode the rest would wait behind idle sessions");
        }
        if (get("operatorHeadroom") < 5) {
            out.add("operatorHeadroom " + get("operatorHeadroom") + " leaves people no room to connect in an incident");
        }
        if (get("terminatingPods") < get("rolloutMaxSurge")) {
            out.add("terminatingPods must count at least the surge's worth of pods stopping during a rollout");
        }
        return out;
    }
}
