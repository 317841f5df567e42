package dev.triage.database;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
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
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
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
 * <li>Inside one attempt, a statement whose pooled session died under it is replayed once on a
 * fresh connection, so that a killed backend is not mistaken for an outage and the failure that
 * remains names the server's real state (see onFreshSession). A lost session without a verdict
 * is retried, but neither counted by the breaker nor recorded as a category.</li>
 * </ul>
 * Every statement run here is idempotent on retry (see the repositories).
 */
@ApplicationScoped
public class GuardedPool {

    public static final String BREAKER = "database";
    /** How long the open breaker refuses calls: also the Retry-After of its 503s. */
    public static final long BREAKER_DELAY_MILLIS = 2000; // bounds the outage added after a repair (failover-e2e)

    /** Statements replayed on a fresh connection at once, at most (see onFreshSession). */
    static final int FRESH_SESSIONS = 2;
    /** Below the attempt's @Timeout (2 s), so the replay's own answer decides the category. */
    static final long FRESH_SESSION_TIMEOUT_MILLIS = 1500;

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
    private final Semaphore freshSessions = new Semaphore(FRESH_SESSIONS);

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
            skipOn = { OperationRefusedException.class, SessionLostException.class })
    @CircuitBreakerName(BREAKER)
    @Timeout(2000)
    public Uni<RowSet<Row>> execute(String sql, Tuple arguments) {
        return onPool(sql, arguments)
                .onFailure(FailureClassifier::sessionLost).recoverWithUni(lost -> onFreshSession(sql, arguments, lost))
                .onFailure().transform(classifier::translate)
                .onItemOrFailure().invoke((rows, failure) -> {
                    if (failure == null || FailureClassifier.serverAnswered(failure)) {
                        lastAnswerNanos = System.nanoTime(); // the server answered, whatever it said
                    }
                    if (failure instanceof SessionLostException) {
                        return; // no verdict on the database yet: the retry will find out
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

    /**
     * The statement on a pooled connection, acquired explicitly. Not pool.preparedQuery(): on that
     * path the pool arms an acquire timer that it does not cancel when the acquire itself fails
     * (a refused connect), and the timer later completes the finished request again, which Vert.x
     * logs as an uncaught "Result is already complete" about once a second during an outage
     * (eclipse-vertx/vertx-sql-client issue 1706). The explicit acquire cancels its timer.
     */
    private Uni<RowSet<Row>> onPool(String sql, Tuple arguments) {
        return pool.get().withConnection(connection -> connection.preparedQuery(sql).execute(arguments));
    }

    /**
     * Runs the statement once more, on a connection opened for it, after the pooled session died
     * under it (killed backend, closed socket: see {@link FailureClassifier#sessionLost}). Other
     * pooled sessions may have died the same way, and on a busy CPU the pool learns so late: a
     * plain retry can meet one dead session after another and report a "network" outage while the
     * server accepts connections. A fresh connection asks the server itself: it answers the query,
     * or says why not (refused: service-down, 53300: pool-exhausted, 25006 on a write: read-only).
     * At most {@value #FRESH_SESSIONS} at a time (they count against max_connections); beyond
     * that the statement fails as a {@link SessionLostException}, and the ordinary retry takes over.
     */
    private Uni<RowSet<Row>> onFreshSession(String sql, Tuple arguments, Throwable lost) {
        if (!freshSessions.tryAcquire()) {
            metrics.replay("skipped");
            return Uni.createFrom().failure(lost);
        }
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean settled = new AtomicBoolean();
            Future<PgConnection> connecting = pools.connectFresh();
            // A server that accepts the connection but never answers must not hold a permit.
            long timer = pools.vertx().setTimer(FRESH_SESSION_TIMEOUT_MILLIS, id -> {
                if (settled.compareAndSet(false, true)) {
                    freshSessions.release();
                    metrics.replay("failed");
                    emitter.fail(new DatabaseUnavailableException(FailureCategory.TIMEOUT,
                            "no answer on a fresh connection within " + FRESH_SESSION_TIMEOUT_MILLIS + " ms", lost));
                    connecting.onSuccess(connection -> connection.close()); // closing it fails the query, if one is waiting
                }
            });
            connecting.compose(connection -> connection.preparedQuery(sql).execute(arguments.getDelegate())
                    .eventually(() -> connection.close()))
                    .onComplete(result -> {
                        pools.vertx().cancelTimer(timer);
                        if (settled.compareAndSet(false, true)) {
                            freshSessions.release();
                            metrics.replay(result.succeeded() ? "succeeded" : "failed");
                            if (result.succeeded()) {
                                emitter.complete(RowSet.newInstance(result.result(), Row.__TYPE_ARG));
                            } else {
                                emitter.fail(result.cause());
                            }
                        }
                    });
        });
    }

    private double connectionsInUse() {
        Gauge active = registry.find("sql.pool.active").tag("pool.name", poolName).gauge();
        return active == null || Double.isNaN(active.value()) ? 0 : active.value();
    }

    /**
     * The request pool in use now (replaced after a black hole), for a background read that must
     * not count as a request: no breaker, no failure bookkeeping (database/SharedMaintenance).
     */
    Pool currentPool() {
        return pool.get();
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
