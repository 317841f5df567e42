package dev.triage.database;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Triage's own database settings; the pool basics are Quarkus's quarkus.datasource.* keys. */
@ConfigMapping(prefix = "triage.database")
public interface DatabaseConfig {

    /** Requests waiting for a pooled connection beyond max-size; more fail at once (pool-exhausted). */
    @WithDefault("40")
    int waitQueueSize();

    /** How long a request may wait for a pooled connection. */
    @WithDefault("PT1S")
    Duration acquireTimeout();

    /** TCP connect timeout: a host that drops packets must fail fast, not after the OS default. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** Migrations: first retry delay, doubled per failure up to the maximum. */
    @WithDefault("PT1S")
    Duration migrationInitialBackoff();

    @WithDefault("PT30S")
    Duration migrationMaxBackoff();
}
