package dev.triage.database;

/**
 * The server rejected a statement (constraint, syntax, data): not an outage, so it never
 * counts against the circuit breaker. Features check {@link #sqlState()} for what they expect.
 */
public class DatabaseQueryException extends RuntimeException {

    public static final String UNIQUE_VIOLATION = "23505";

    private final String sqlState;

    public DatabaseQueryException(String sqlState, String message, Throwable cause) {
        super(message, cause, false, false);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }

    public boolean isUniqueViolation() {
        return UNIQUE_VIOLATION.equals(sqlState);
    }
}
