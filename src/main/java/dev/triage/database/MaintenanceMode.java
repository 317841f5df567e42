package dev.triage.database;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;

/**
 * Maintenance mode: writes answer 503 with the operator's reason and Retry-After, reads and
 * prompts keep working. Per replica (each pod is switched through its own admin endpoint).
 */
@ApplicationScoped
public class MaintenanceMode {

    /** The current setting; {@code since} is when it was last switched. */
    public record State(boolean enabled, String reason, int retryAfterSeconds, Instant since) {
    }

    private final AtomicReference<State> state = new AtomicReference<>(new State(false, null, 0, Instant.now()));

    public State state() {
        return state.get();
    }

    public State set(boolean enabled, String reason, int retryAfterSeconds) {
        State next = new State(enabled, enabled ? reason : null, enabled ? retryAfterSeconds : 0, Instant.now());
        State previous = state.getAndSet(next);
        if (previous.enabled() != enabled) {
            Log.infof("Maintenance mode %s%s", enabled ? "on" : "off", enabled ? " (" + reason + ")" : "");
        }
        return next;
    }

    /** Throws when writes are paused. */
    public void checkWritesAllowed() {
        State current = state.get();
        if (current.enabled()) {
            throw new MaintenanceException(current.reason(), current.retryAfterSeconds());
        }
    }
}
