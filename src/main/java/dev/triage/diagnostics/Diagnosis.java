package dev.triage.diagnostics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.triage.database.DatabaseDiagnostics;
import dev.triage.database.DatabaseStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Triage's live self-diagnosis of its own database (GET /api/v1/diagnostics). */
@Schema(name = "Diagnosis")
public record Diagnosis(
        Instant checkedAt,
        long durationMillis,
        DatabaseDiagnostics.Endpoint connection,
        List<DatabaseDiagnostics.Step> steps,
        Map<String, Object> server,
        DatabaseStatus.PoolStats pool,
        String breaker,
        boolean migrationsApplied,
        boolean maintenance,
        Map<String, Long> failuresByCategory,
        List<RecentFailure> recentFailures,
        LikelyCause likelyRootCause) {

    @RegisterForReflection
    public record RecentFailure(Instant at, String category, String summary) {
    }

    /** The most likely root cause: a failure category, its playbook, and the evidence. */
    @RegisterForReflection
    public record LikelyCause(String category, String playbookId, String title, String evidence) {
    }
}
