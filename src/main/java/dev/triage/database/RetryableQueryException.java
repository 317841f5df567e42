package dev.triage.database;

/**
 * A serialization failure (40001) or deadlock (40P01): the statement is worth one more try, but
 * the database is working, so the circuit breaker does not count it.
 */
public class RetryableQueryException extends DatabaseQueryException {

    public RetryableQueryException(String sqlState, String message, Throwable cause) {
        super(sqlState, message, cause);
    }
}
