package dev.triage.database;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Regular connection testing: one bounded {@code SELECT 1} every probe interval, in the
 * background, on a one-connection pool of its own (a saturated request pool is not a dead
 * database). Health probes and metrics read the cached result, so probes from many replicas
 * (or a busy kubelet) never stampede the database, and a probe answers in microseconds. It
 * bypasses the circuit breaker on purpose: it is how Triage sees the database come back.
 */
@ApplicationScoped
public class DatabaseProbe {

    /** The last check: whether the database answered, how fast, and if not, why. */
    public record Result(boolean up, long latencyMillis, Instant checkedAt, FailureCategory category, String detail) {
    }

    private final io.vertx.sqlclient.Pool requestPool;
    private final BoundedPoolCreator pools;
    private final GuardedPool guarded;
    private final Vertx vertx;
    private final FailureClassifier classifier;
    private final FailureLog failures;
    private final Duration interval;
    private final Duration timeout;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Result last = new Result(false, -1, null, null, "not checked yet");
    private volatile io.vertx.sqlclient.Pool probePool;
    private long timerId = -1;

    public DatabaseProbe(io.vertx.sqlclient.Pool requestPool, BoundedPoolCreator pools, GuardedPool guarded, Vertx vertx,
            FailureClassifier classifier, FailureLog failures,
            @ConfigProperty(name = "triage.health.probe-interval", defaultValue = "PT5S") Duration interval,
            @ConfigProperty(name = "triage.health.probe-timeout", defaultValue = "PT1S") Duration timeout) {
        this.requestPool = requestPool;
        this.pools = pools;
        this.guarded = guarded;
        this.vertx = vertx;
        this.classifier = classifier;
        this.failures = failures;
        this.interval = interval;
        this.timeout = timeout;
    }

    void start(@Observes StartupEvent event) {
        requestPool.size(); // creates the request pool (a lazy bean), whose settings the probe pool copies
        probePool = pools.sidePool("triage-probe", 1);
        check();
        timerId = vertx.setPeriodic(interval.toMillis(), id -> check());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        if (probePool != null) {
            probePool.close();
        }
    }

    public Result last() {
        return last;
    }

    private void check() {
        if (!inFlight.compareAndSet(false, true)) {
            return; // the previous check is still waiting (bounded by the timeout)
        }
        long start = System.nanoTime();
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (inFlight.compareAndSet(true, false)) {
                last = new Result(false, timeout.toMillis(), Instant.now(), FailureCategory.TIMEOUT,
                        "no answer within " + timeout.toMillis() + " ms");
                failures.probed(FailureCategory.TIMEOUT, last.checkedAt());
                // The connection may be stuck on a host that stopped answering (a black hole):
                // replace the probe pool, closing the stuck socket, so the next check starts clean.
                io.vertx.sqlclient.Pool stuck = probePool;
                probePool = pools.sidePool("triage-probe", 1);
                stuck.close();
            }
        });
        // An explicit acquire, as in GuardedPool.onPool (vertx-sql-client issue 1706).
        probePool.withConnection(connection -> connection.query("SELECT 1").execute()).onComplete(result -> {
            vertx.cancelTimer(timer);
            if (!inFlight.compareAndSet(true, false)) {
                return; // already reported as a timeout
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            last = result.succeeded()
                    ? new Result(true, took, Instant.now(), null, "ok")
                    : new Result(false, took, Instant.now(),
                            classifier.classify(result.cause()).orElse(FailureCategory.QUERY),
                            result.cause().getClass().getSimpleName());
            if (result.succeeded()) {
                guarded.replaceIfStarved();
            } else {
                failures.probed(last.category(), last.checkedAt());
            }
        });
    }
}
