package dev.triage.database;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Regular connection testing: one bounded {@code SELECT 1} every probe interval, in the
 * background. Health probes and metrics read the cached result, so probes from many replicas
 * (or a busy kubelet) never stampede the database, and a probe answers in microseconds.
 * It bypasses the circuit breaker on purpose: it is how Triage sees the database come back.
 */
@ApplicationScoped
public class DatabaseProbe {

    /** The last check: whether the database answered, how fast, and if not, why. */
    public record Result(boolean up, long latencyMillis, Instant checkedAt, FailureCategory category, String detail) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final FailureClassifier classifier;
    private final FailureLog failures;
    private final Duration interval;
    private final Duration timeout;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Result last = new Result(false, -1, null, null, "not checked yet");
    private long timerId = -1;

    public DatabaseProbe(Pool pool, Vertx vertx, FailureClassifier classifier, FailureLog failures,
            @ConfigProperty(name = "triage.health.probe-interval", defaultValue = "PT5S") Duration interval,
            @ConfigProperty(name = "triage.health.probe-timeout", defaultValue = "PT1S") Duration timeout) {
        this.pool = pool;
        this.vertx = vertx;
        this.classifier = classifier;
        this.failures = failures;
        this.interval = interval;
        this.timeout = timeout;
    }

    void start(@Observes StartupEvent event) {
        check();
        timerId = vertx.setPeriodic(interval.toMillis(), id -> check());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    public Result last() {
        return last;
    }

    public Duration interval() {
        return interval;
    }

    private void check() {
        if (!inFlight.compareAndSet(false, true)) {
            return; // the previous check is still waiting (bounded by the timeout)
        }
        long start = System.nanoTime();
        pool.query("SELECT 1").execute()
                .ifNoItem().after(timeout).fail()
                .subscribe().with(rows -> {
                    last = new Result(true, (System.nanoTime() - start) / 1_000_000, Instant.now(), null, "ok");
                    inFlight.set(false);
                }, failure -> {
                    FailureCategory category = failure instanceof io.smallrye.mutiny.TimeoutException
                            ? FailureCategory.TIMEOUT
                            : classifier.classify(failure).orElse(FailureCategory.QUERY);
                    // A busy pool is not a down database: it answered others within the interval.
                    boolean up = category == FailureCategory.POOL_EXHAUSTED && failures.succeededWithin(interval);
                    last = new Result(up, (System.nanoTime() - start) / 1_000_000, Instant.now(), category,
                            failure.getClass().getSimpleName());
                    inFlight.set(false);
                });
    }
}
