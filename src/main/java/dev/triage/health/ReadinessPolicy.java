package dev.triage.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.triage.database.DatabaseStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Should this pod get traffic? The database is shared by every replica, so by default an outage
 * keeps readiness UP in degraded mode: prompts, cached reads and clear 503s with Retry-After
 * still reach clients, instead of the ingress's bare 502/503 when every replica leaves the
 * Service at once. triage.readiness.require-database=true makes a degraded pod not ready.
 * Always DOWN before startup and during the graceful-shutdown delay.
 */
@ApplicationScoped
public class ReadinessPolicy {

    public record Decision(boolean ready, String mode, DatabaseStatus.Snapshot database) {
    }

    private final DatabaseStatus status;
    private final boolean requireDatabase;
    private volatile boolean started;
    private volatile boolean shuttingDown;

    public ReadinessPolicy(DatabaseStatus status,
            @ConfigProperty(name = "triage.readiness.require-database", defaultValue = "false") boolean requireDatabase,
            MeterRegistry registry) {
        this.status = status;
        this.requireDatabase = requireDatabase;
        Gauge.builder("triage.ready", this, p -> p.decide().ready() ? 1 : 0)
                .description("1 while readiness is UP").register(registry);
    }

    void started(@Observes StartupEvent event) {
        started = true;
    }

    void shuttingDown(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
    }

    public boolean started() {
        return started;
    }

    public boolean requireDatabase() {
        return requireDatabase;
    }

    public Decision decide() {
        DatabaseStatus.Snapshot database = status.snapshot();
        if (shuttingDown) {
            return new Decision(false, "shutting-down", database);
        }
        if (!started) {
            return new Decision(false, "starting", database);
        }
        boolean degraded = database.degraded();
        return new Decision(!(degraded && requireDatabase), degraded ? "degraded" : "ok", database);
    }
}
