package dev.triage.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The connection budget of k8s/base/connection-budget.yaml as arithmetic: what one overlay's
 * numbers add up to, and whether that fits the database. See that file (and the ha overlay's
 * k8s/overlays/ha/connection-budget.yaml for a pooler) for the formulas.
 *
 * @param poolMode the PgBouncer pool mode between Triage and the database (session or
 *        transaction), or null when Triage connects directly
 */
record ConnectionBudget(Map<String, Integer> n, String poolMode) {

    int get(String key) {
        Integer value = n.get(key);
        if (value == null) {
            throw new AssertionError("the connection budget has no " + key + ": " + n.keySet());
        }
        return value;
    }

    boolean pooled() {
        return poolMode != null;
    }

    boolean transactionPooled() {
        return "transaction".equals(poolMode);
    }

    int podsAtOnce() {
        return get("hpaMaxReplicas") + get("rolloutMaxSurge") + get("terminatingPods");
    }

    /** Connections one pod may open to where DB_HOST points (the server, or the pooler). */
    int clientConnectionsPerPod() {
        return get("requestPoolMaxSize") + get("probePoolSize") + get("diagnosticsConnections")
                + get("replayConnections");
    }

    /** Connections all pods at once may open to where DB_HOST points. */
    int clientConnections() {
        return podsAtOnce() * clientConnectionsPerPod();
    }

    int serverSlots() {
        return get("maxConnections") - get("superuserReservedConnections") - get("reservedConnections");
    }

    /** Server connections in the worst case, operators' headroom included. */
    int serverConnectionsNeeded() {
        int migrations = podsAtOnce() * get("migrationPoolMaxSize"); // Flyway goes straight to the server
        // Transaction mode: the pooler's server pools are all the request side can hold, however many
        // clients. Direct, or session mode: each client connection holds a server connection.
        int requests = transactionPooled() ? get("poolerInstances") * get("poolerDefaultPoolSize") : clientConnections();
        return requests + migrations + get("operatorHeadroom");
    }

    /** What does not fit, in words; empty when everything fits. */
    List<String> violations() {
        List<String> out = new ArrayList<>();
        if (serverConnectionsNeeded() > serverSlots()) {
            out.add("the database needs up to " + serverConnectionsNeeded() + " connections but has " + serverSlots()
                    + " (max_connections " + get("maxConnections") + " - reserved)");
        }
        int clients = clientConnections();
        if (pooled() && !transactionPooled() && !"session".equals(poolMode)) {
            out.add("pool mode " + poolMode + ": Triage needs session or transaction mode");
        }
        if (pooled() && clients > get("poolerMaxClientConnections")) {
            out.add(podsAtOnce() + " pods x " + clientConnectionsPerPod() + " client connections exceed one pooler"
                    + " instance's max_client_conn " + get("poolerMaxClientConnections"));
        }
        if ("session".equals(poolMode) && clients > get("poolerDefaultPoolSize")) {
            out.add(clients + " client connections exceed one pooler instance's server pool "
                    + get("poolerDefaultPoolSize") + ": in session mode the rest would wait behind idle sessions");
        }
        if (transactionPooled() && get("poolerDefaultPoolSize") < get("requestPoolMaxSize")) {
            out.add("one pooler instance's server pool " + get("poolerDefaultPoolSize") + " is smaller than one pod's"
                    + " request pool " + get("requestPoolMaxSize") + ": a single busy pod would queue in the pooler");
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
