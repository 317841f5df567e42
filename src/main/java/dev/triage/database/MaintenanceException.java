package dev.triage.database;

/** A write refused because maintenance mode is on: a 503 with the reason, not a database category. */
public class MaintenanceException extends RuntimeException {

    private final int retryAfterSeconds;

    public MaintenanceException(String reason, int retryAfterSeconds) {
        super(reason, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
