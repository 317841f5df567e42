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

    /** Most recent failures kept for diagnostics; older ones only count. */
    private static final int RING_SIZE = 50;

    /** A success this soon after a failure (a retry that worked) is not yet a recovery. */
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final AtomicReference<LastFailure> last = new AtomicReference<>();
    private volatile boolean failing;
    private volatile long lastFailureNanos;
    private final java.util.Deque<LastFailure> recent = new java.util.ArrayDeque<>();
    private final java.util.Map<FailureCategory, java.util.concurrent.atomic.LongAdder> counts =
            new java.util.concurrent.ConcurrentHashMap<>();

    public void failed(FailureCategory category, String summary) {
        LastFailure current = new LastFailure(category, Instant.now(), summary);
        LastFailure previous = last.getAndSet(current);
        lastFailureNanos = System.nanoTime();
        counts.computeIfAbsent(category, c -> new java.util.concurrent.atomic.LongAdder()).increment();
        synchronized (recent) {
            recent.addFirst(current);
            if (recent.size() > RING_SIZE) {
                recent.removeLast();
            }
        }
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

    /** The most recent failures, newest first (at most 50). */
    public java.util.List<LastFailure> recent() {
        synchronized (recent) {
            return java.util.List.copyOf(recent);
        }
    }

    /** Failures by category since start. */
    public java.util.Map<FailureCategory, Long> countsByCategory() {
        java.util.Map<FailureCategory, Long> snapshot = new java.util.EnumMap<>(FailureCategory.class);
        counts.forEach((category, count) -> snapshot.put(category, count.sum()));
        return snapshot;
    }

    public LastFailure lastFailure() {
        return last.get();
    }

    public boolean isFailing() {
        return failing;
    }
}
