package dev.triage.database;

/**
 * A pooled session died under the statement (see {@link FailureClassifier#sessionLost}) and its
 * replay on a fresh connection gave no verdict (too many replays at once). It says nothing about
 * the server yet: it is retried, the circuit breaker does not count it, and it is not recorded
 * as a failure category. If it is still the outcome when the retries are spent, the caller gets
 * the category the database showed most recently ({@link #asCurrentFailure}).
 */
public class SessionLostException extends TransientDatabaseException {

    public SessionLostException(String message, Throwable cause) {
        super(FailureCategory.NETWORK, message, cause);
    }

    /** What the client is told: the database's latest known failure, else a network failure. */
    DatabaseUnavailableException asCurrentFailure(FailureLog failures) {
        FailureCategory category = failures.recentCategory().orElse(FailureCategory.NETWORK);
        return new DatabaseUnavailableException(category, "the connection was lost (" + getMessage()
                + "); the database's latest failure: " + category.id(), this);
    }
}
