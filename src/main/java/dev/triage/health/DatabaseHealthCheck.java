package dev.triage.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import dev.triage.database.DatabaseStatus;
import io.smallrye.health.api.HealthGroup;

/** /q/health/group/database: the database alone, for monitors (not for Kubernetes probes). */
@HealthGroup("database")
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    private final DatabaseStatus status;

    public DatabaseHealthCheck(DatabaseStatus status) {
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        DatabaseStatus.Snapshot s = status.snapshot();
        return HealthData.database(HealthCheckResponse.named("database").status(s.up() && s.migrated()), s).build();
    }
}
