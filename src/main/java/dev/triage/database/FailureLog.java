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

    /** A failure older than this no longer describes the database (see recentCategory). */
    private static final java.time.Duration RECENT = java.time.Duration.ofSeconds(10);

    /** A success this soon after a failure (a retry that worked) is not yet a recovery. */
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final AtomicReference<LastFailure> last = new AtomicReference<>();
    private volatile boolean failing;
    private volatile LastFailure lastProbeFailure;
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

    /**
     * A failed background check (DatabaseProbe). Not counted as a failure of a request; it only
     * keeps {@link #currentCategory()} true while no request reaches the database (breaker open).
     */
    public void probed(FailureCategory category, Instant at) {
        lastProbeFailure = new LastFailure(category, at, "health probe");
    }

    /**
     * The category of the failure seen most recently, by a request or by the background check.
     * While the breaker is open no request reaches the database, so the failure that opened it
     * grows stale: a crash that became a refused port, a lock that became a stopped server.
     * {@link #recentCategory()} is the same, if it was seen within the last 10 seconds.
     */
    public java.util.Optional<FailureCategory> recentCategory() {
        return newest().filter(f -> java.time.Duration.between(f.at(), Instant.now()).compareTo(RECENT) < 0)
                .map(LastFailure::category);
    }

    public java.util.Optional<FailureCategory> currentCategory() {
        return newest().map(LastFailure::category);
    }

    private java.util.Optional<LastFailure> newest() {
        LastFailure request = last.get();
        LastFailure probe = lastProbeFailure;
        return java.util.Optional.ofNullable(
                probe == null || (request != null && !probe.at().isAfter(request.at())) ? request : probe);
    }

    public boolean isFailing() {
        return failing;
    }
}
