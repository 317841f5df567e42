package dev.triage.incident;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The last-known-good incident copies (see {@link LastKnownGood}). */
@ConfigMapping(prefix = "triage.incident-cache")
public interface IncidentCacheConfig {

    /** Off: reads have no fallback while the database is unavailable (for measuring its cost). */
    @WithDefault("true")
    boolean enabled();

    /**
     * The most memory the copies may take, by the estimate of {@link LastKnownGood#weigh}; the
     * least recently used go first. Bounded by weight, not count: incidents range from a few
     * hundred bytes to ~60 KB (a full log excerpt).
     */
    @WithDefault("32M")
    MemorySize maxSize();
}
