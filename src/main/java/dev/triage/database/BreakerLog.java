package dev.triage.database;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/** One log line per breaker state change, with the failure category that drove it. */
@ApplicationScoped
public class BreakerLog {

    private final CircuitBreakerMaintenance breakers;
    private final FailureLog failures;

    public BreakerLog(CircuitBreakerMaintenance breakers, FailureLog failures) {
        this.breakers = breakers;
        this.failures = failures;
    }

    void register(@Observes StartupEvent event) {
        breakers.onStateChange(GuardedPool.BREAKER, this::changed);
    }

    private void changed(CircuitBreakerState state) {
        FailureLog.LastFailure last = failures.lastFailure();
        String cause = last == null ? "none" : last.category().id();
        switch (state) {
            case OPEN -> Log.warnf("Circuit breaker '%s' opened (last failure category=%s): database calls fail fast",
                    GuardedPool.BREAKER, cause);
            case HALF_OPEN -> Log.infof("Circuit breaker '%s' half-open: trying the database again", GuardedPool.BREAKER);
            case CLOSED -> Log.infof("Circuit breaker '%s' closed: database calls flow again", GuardedPool.BREAKER);
        }
    }
}
