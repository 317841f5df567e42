package dev.triage.database;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;

/**
 * What the database last did wrong, for responses, health and diagnostics. Logs one line when
 * the failure category changes or the database recovers, never one per failed request.
 */
@ApplicationScoped
public class FailureLog {

    public record LastFailure(FailureCategory category, Instant at, String summary) {
    }

    /** A success this soon after a failure (a retry that worked) is not yet a recovery. */
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final AtomicReference<LastFailure> last = new AtomicReference<>();
    private volatile boolean failing;
    private volatile long lastFailureNanos;

    public void failed(FailureCategory category, String summary) {
        LastFailure previous = last.getAndSet(new LastFailure(category, Instant.now(), summary));
        lastFailureNanos = System.nanoTime();
        boolean wasFailing = failing;
        failing = true;
        if (!wasFailing || previous == null || previous.category() != category) {
            Log.warnf("Database failing: category=%s (%s)", category.id(), summary);
        }
    }

    public void succeeded() {
        if (failing && System.nanoTime() - lastFailureNanos > QUIET_NANOS) {
            failing = false;
            LastFailure previous = last.get();
            Log.infof("Database recovered (last failure category=%s)",
                    previous == null ? "none" : previous.category().id());
        }
    }

    public LastFailure lastFailure() {
        return last.get();
    }

    public boolean isFailing() {
        return failing;
    }
}
