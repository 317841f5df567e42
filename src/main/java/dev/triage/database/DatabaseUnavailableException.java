package dev.triage.database;

/** The database cannot serve this operation now; clients get a 503 with the category. */
public class DatabaseUnavailableException extends RuntimeException {

    private final FailureCategory category;

    public DatabaseUnavailableException(FailureCategory category, String message, Throwable cause) {
        super(message, cause, false, false);
        this.category = category;
    }

    public FailureCategory category() {
        return category;
    }
}
