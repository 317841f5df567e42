package dev.triage.database;

/**
 * The server is up and answered, but refused this operation: read-only (a standby after a
 * failover) or a statement/lock timeout. Clients get a 503 with the category, but the circuit
 * breaker does not count it: reads keep working on a read-only database, and one locked table
 * must not cut off the rest.
 */
public class OperationRefusedException extends DatabaseUnavailableException {

    public OperationRefusedException(FailureCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }
}
