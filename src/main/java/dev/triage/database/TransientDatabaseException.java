package dev.triage.database;

/** An unavailability that a retry may cure (refused, reset, pool busy, serialization failure). */
public class TransientDatabaseException extends DatabaseUnavailableException {

    public TransientDatabaseException(FailureCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }
}
