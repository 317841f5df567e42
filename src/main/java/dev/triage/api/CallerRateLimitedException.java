package dev.triage.api;

/** A caller exceeded its rate; mapped to 429 with Retry-After by {@link SecurityProblems}. */
public class CallerRateLimitedException extends RuntimeException {

    private final String limit;
    private final long retryAfterSeconds;

    public CallerRateLimitedException(String limit, long retryAfterSeconds) {
        super(limit, null, false, false);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The limit, in words ("120 requests per minute (bursts of 20)"). */
    public String limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
