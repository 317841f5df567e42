package dev.triage.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How each replica follows the cluster-wide maintenance mode. */
@ConfigMapping(prefix = "triage.maintenance")
public interface MaintenanceConfig {

    /**
     * How often the shared row (and the file) is read. A change made through any replica is in
     * force everywhere within this interval plus one query.
     */
    @WithDefault("PT1S")
    Duration pollInterval();

    /**
     * A properties file (a mounted ConfigMap) that switches maintenance on without the database:
     * while it exists and does not say {@code enabled=false}, writes are refused with its
     * {@code reason} and {@code retry-after-seconds}. Unset: no file is read.
     */
    Optional<Path> file();
}
