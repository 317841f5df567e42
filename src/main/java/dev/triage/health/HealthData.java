package dev.triage.health;

import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.triage.database.DatabaseStatus;

/** The database facts every health response shows (never a credential). */
final class HealthData {

    private HealthData() {
    }

    static HealthCheckResponseBuilder database(HealthCheckResponseBuilder builder, DatabaseStatus.Snapshot s) {
        builder.withData("database", s.up() ? "UP" : "DOWN")
                .withData("lastCheckLatencyMs", s.lastCheckLatencyMillis())
                .withData("lastCheckedAt", String.valueOf(s.lastCheckedAt()))
                .withData("poolMax", s.pool().max())
                .withData("poolInUse", s.pool().inUse())
                .withData("poolIdle", s.pool().idle())
                .withData("poolWaiting", s.pool().waiting())
                .withData("breaker", s.breaker())
                .withData("migrations", s.migrated() ? "applied" : "pending")
                .withData("maintenance", s.maintenance());
        if (s.probeFailure() != null) {
            builder.withData("checkFailure", s.probeFailure());
        }
        if (s.lastFailureCategory() != null) {
            builder.withData("lastFailureCategory", s.lastFailureCategory())
                    .withData("lastFailureAt", String.valueOf(s.lastFailureAt()));
        }
        return builder;
    }
}
