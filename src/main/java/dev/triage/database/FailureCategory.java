package dev.triage.database;

/**
 * Why the database could not serve a request, after the seed's root causes. The id is what
 * clients see in problem+json {@code category}, metrics labels and health data.
 */
public enum FailureCategory {
    SERVICE_DOWN("service-down", true, 5),
    POOL_EXHAUSTED("pool-exhausted", true, 2),
    NETWORK("network", true, 5),
    AUTHENTICATION("authentication", false, 30),
    RESOURCE_EXHAUSTION("resource-exhaustion", false, 30),
    READ_ONLY("read-only", false, 10),
    TIMEOUT("timeout", false, 5),
    /** The schema migrations have not run yet: writes and reads wait for them. */
    MIGRATION_PENDING("migration-pending", false, 5),
    /** Any other server error: a bug or a bad statement, not an outage. */
    QUERY("query", false, 0);

    private final String id;
    private final boolean transientFailure;
    private final int retryAfterSeconds;

    FailureCategory(String id, boolean transientFailure, int retryAfterSeconds) {
        this.id = id;
        this.transientFailure = transientFailure;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String id() {
        return id;
    }

    /** Worth retrying at once: the next attempt may well succeed. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** The Retry-After a client gets with a 503 of this category. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The database cannot serve right now (a 503), as opposed to a failed statement. */
    public boolean isUnavailability() {
        return this != QUERY;
    }
}
