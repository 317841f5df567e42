package dev.triage.database;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The only bean that touches the pool. Fault tolerance applies in this order:
 * Retry(CircuitBreaker(Timeout(statement))).
 *
 * <ul>
 * <li>Timeout bounds each attempt (it cannot cancel the query: the server's statement_timeout
 * does that).</li>
 * <li>The breaker counts only unavailability and attempt timeouts; a query error (unique
 * violation, bad data) and a refusal by a working server (read-only, lock timeout) are
 * successes for it, so a 404, a 409 or one locked table can never open it. Retries count as
 * calls: the volume threshold (12) is four requests' worth of attempts.</li>
 * <li>Retry only transient categories, never when the breaker is open (that 503 must be fast);
 * the backoff starts at a non-zero delay, doubles, and is capped.</li>
 * </ul>
 * Every statement run here is idempotent on retry (see the repositories).
 */
@ApplicationScoped
public class GuardedPool {

    public static final String BREAKER = "database";
    /** How long the open breaker refuses calls: also the Retry-After of its 503s. */
    public static final long BREAKER_DELAY_MILLIS = 2000; // bounds the outage added after a repair (failover-e2e)

    /** No answer on the request pool for this long, while the probe's fresh connection works: stuck. */
    static final long STARVED_NANOS = 8_000_000_000L;

    private final AtomicReference<Pool> pool;
    /** Each replacement pool gets its own name, so its sql_pool_* meters are its own. */
    private volatile String poolName = BoundedPoolCreator.POOL_NAME;
    private int generation = 1;
    private final BoundedPoolCreator pools;
    private final FailureClassifier classifier;
    private final FailureLog failures;
    private final DatabaseMetrics metrics;
    private final DatabaseCredentials credentials;
    private final MeterRegistry registry;
    private volatile long lastAnswerNanos = System.nanoTime();
    private volatile long lastReplacedNanos;

    public GuardedPool(Pool pool, BoundedPoolCreator pools, FailureClassifier classifier, FailureLog failures,
            DatabaseMetrics metrics, DatabaseCredentials credentials, MeterRegistry registry) {
        this.registry = registry;
        this.pool = new AtomicReference<>(pool);
        this.pools = pools;
        this.classifier = classifier;
        this.failures = failures;
        this.metrics = metrics;
        this.credentials = credentials;
    }

    @Retry(maxRetries = 2, delay = 50, jitter = 20, maxDuration = 1500, durationUnit = ChronoUnit.MILLIS,
            retryOn = { TransientDatabaseException.class, RetryableQueryException.class }, abortOn = CircuitBreakerOpenException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 400)
    @CircuitBreaker(requestVolumeThreshold = 12, failureRatio = 0.5, delay = BREAKER_DELAY_MILLIS, successThreshold = 2,
            failOn = { DatabaseUnavailableException.class, TimeoutException.class },
            skipOn = OperationRefusedException.class)
    @CircuitBreakerName(BREAKER)
    @Timeout(2000)
    public Uni<RowSet<Row>> execute(String sql, Tuple arguments) {
        return pool.get().preparedQuery(sql).execute(arguments)
                .onFailure().transform(classifier::translate)
                .onItemOrFailure().invoke((rows, failure) -> {
                    if (failure == null || FailureClassifier.serverAnswered(failure)) {
                        lastAnswerNanos = System.nanoTime(); // the server answered, whatever it said
                    }
                    if (failure instanceof DatabaseUnavailableException unavailable) {
                        metrics.failed(unavailable.category());
                        failures.failed(unavailable.category(), unavailable.getMessage());
                        if (unavailable.category() == FailureCategory.AUTHENTICATION) {
                            credentials.authenticationFailed();
                        }
                    } else if (failure == null || failure instanceof DatabaseQueryException) {
                        // the server answered: the database works
                        failures.succeeded();
                        credentials.succeeded();
                    }
                });
    }

    private double connectionsInUse() {
        Gauge active = registry.find("sql.pool.active").tag("pool.name", poolName).gauge();
        return active == null || Double.isNaN(active.value()) ? 0 : active.value();
    }

    /** The name of the request pool in use (the pool_name label of its metrics). */
    public String poolName() {
        return poolName;
    }

    /**
     * Replaces the request pool when it is starved while the database answers on a fresh
     * connection (the probe's): after a network black hole, connections that @Timeout abandoned
     * stay busy until the OS gives up on TCP (minutes to hours). Closing the old pool closes
     * them. Called by the probe after each successful check; at most once per starvation window.
     */
    public void replaceIfStarved() {
        long now = System.nanoTime();
        FailureLog.LastFailure last = failures.lastFailure();
        boolean failingNow = last != null && failures.isFailing()
                && java.time.Duration.between(last.at(), java.time.Instant.now()).toSeconds() < 5;
        if (!failingNow || now - lastAnswerNanos < STARVED_NANOS || now - lastReplacedNanos < STARVED_NANOS
                || connectionsInUse() == 0) {
            return; // answering, recently replaced, or nothing held: nothing is stuck
        }
        Pool stuck = pool.get();
        String name = BoundedPoolCreator.POOL_NAME + "-" + (++generation);
        if (pool.compareAndSet(stuck, Pool.newInstance(pools.newRequestPool(name)))) {
            poolName = name;
            lastReplacedNanos = now;
            lastAnswerNanos = now;
            Log.warnf("Request pool replaced: no answer on it for %d s while the database answers a fresh"
                    + " connection (last failure category=%s); its stuck connections are closed",
                    STARVED_NANOS / 1_000_000_000L, last.category().id());
            stuck.close().subscribe().with(ignored -> {
            }, failure -> Log.debugf("Closing the replaced pool: %s", failure));
        }
    }
}
