package dev.triage.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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

    /**
     * The most one database operation may take, retries included; past it the caller gets a 503
     * (timeout). Each attempt is bounded separately by the @Timeout of GuardedPool.
     */
    @WithDefault("PT3S")
    Duration operationTimeout();

    /**
     * A file holding the password (a mounted Kubernetes Secret). Re-read when it changes and
     * after an authentication failure, so a rotated password needs no restart. Without it,
     * quarkus.datasource.password is used.
     */
    Optional<Path> passwordFile();

    /** After an authentication failure, new logins are limited to this many per second (no storm). */
    @WithDefault("1")
    int loginAttemptsPerSecondAfterAuthFailure();

    /** How long the login limit stays on after the last authentication failure. */
    @WithDefault("PT10S")
    Duration loginThrottleWindow();

    /** Migrations: first retry delay, doubled per failure up to the maximum. */
    @WithDefault("PT1S")
    Duration migrationInitialBackoff();

    @WithDefault("PT30S")
    Duration migrationMaxBackoff();
}
