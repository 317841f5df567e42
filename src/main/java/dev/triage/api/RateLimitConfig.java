package dev.triage.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Per-caller request rates (see {@link CallerRateLimiter}). */
@ConfigMapping(prefix = "triage.rate-limit")
public interface RateLimitConfig {

    /** Incident creations and changes, per caller. */
    Limit writes();

    /** Alertmanager notifications, per sending token. */
    Limit alerts();

    /** Callers whose buckets are kept (Caffeine's size eviction beyond): bounds the memory. */
    @WithDefault("10000")
    int maxCallers();

    interface Limit {
        /** Sustained rate. */
        int perMinute();

        /** Requests allowed at once before the sustained rate applies. */
        int burst();
    }
}
