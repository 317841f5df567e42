package dev.triage.database;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Everything database/ knows about the database right now, in one snapshot, for health,
 * metrics and diagnostics. Reading it never touches the database.
 */
@ApplicationScoped
public class DatabaseStatus {

    /** Pool usage from the Vert.x pool metrics. */
    @RegisterForReflection
    public record PoolStats(int max, int inUse, int idle, int waiting) {
    }

    public record Snapshot(boolean up, long lastCheckLatencyMillis, Instant lastCheckedAt, String probeFailure,
            PoolStats pool, String breaker, String lastFailureCategory, Instant lastFailureAt, boolean migrated,
            int migrationAttempts, boolean maintenance) {

        /** Serving with the database's help, or without it (prompts, cached reads, clear 503s). */
        public boolean degraded() {
            return !up || "open".equals(breaker) || !migrated;
        }
    }

    private final DatabaseProbe probe;
    private final GuardedPool guarded;
    private final CircuitBreakerMaintenance breakers;
    private final FailureLog failures;
    private final Migrations migrations;
    private final MaintenanceMode maintenance;
    private final MeterRegistry registry;
    private final int maxPoolSize;

    public DatabaseStatus(DatabaseProbe probe, GuardedPool guarded, CircuitBreakerMaintenance breakers, FailureLog failures,
            Migrations migrations, MaintenanceMode maintenance, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size", defaultValue = "20") int maxPoolSize) {
        this.probe = probe;
        this.guarded = guarded;
        this.breakers = breakers;
        this.failures = failures;
        this.migrations = migrations;
        this.maintenance = maintenance;
        this.registry = registry;
        this.maxPoolSize = maxPoolSize;
        Gauge.builder("triage.database.up", this, s -> s.probe.last().up() ? 1 : 0)
                .description("1 when the last background check reached the database").register(registry);
        Gauge.builder("triage.database.pool.max.connections", this, s -> s.maxPoolSize)
                .description("The request pool's maximum size").register(registry);
    }

    public Snapshot snapshot() {
        DatabaseProbe.Result check = probe.last();
        FailureLog.LastFailure last = failures.lastFailure();
        return new Snapshot(check.up(), check.latencyMillis(), check.checkedAt(),
                check.category() == null ? null : check.category().id(), pool(), breakerState(),
                last == null ? null : last.category().id(), last == null ? null : last.at(), migrations.applied(),
                migrations.attempts(), maintenance.state().enabled());
    }

    public String breakerState() {
        return switch (breakers.currentState(GuardedPool.BREAKER)) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half-open";
        };
    }

    public PoolStats pool() {
        int inUse = (int) gauge("sql.pool.active");
        int waiting = (int) gauge("sql.pool.queue.size");
        return new PoolStats(maxPoolSize, inUse, Math.max(0, maxPoolSize - inUse), waiting);
    }

    private double gauge(String name) {
        return Optional.ofNullable(registry.find(name).tag("pool.name", guarded.poolName()).gauge())
                .map(Gauge::value).filter(v -> !v.isNaN()).orElse(0.0);
    }
}
