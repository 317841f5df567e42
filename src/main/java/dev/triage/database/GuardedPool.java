package dev.triage.database;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

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

    private final Pool pool;
    private final FailureClassifier classifier;
    private final FailureLog failures;
    private final DatabaseMetrics metrics;
    private final DatabaseCredentials credentials;

    public GuardedPool(Pool pool, FailureClassifier classifier, FailureLog failures, DatabaseMetrics metrics,
            DatabaseCredentials credentials) {
        this.pool = pool;
        this.classifier = classifier;
        this.failures = failures;
        this.metrics = metrics;
        this.credentials = credentials;
    }

    @Retry(maxRetries = 2, delay = 50, jitter = 20, maxDuration = 1500, durationUnit = ChronoUnit.MILLIS,
            retryOn = { TransientDatabaseException.class, RetryableQueryException.class }, abortOn = CircuitBreakerOpenException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 400)
    @CircuitBreaker(requestVolumeThreshold = 12, failureRatio = 0.5, delay = 5000, successThreshold = 2,
            failOn = { DatabaseUnavailableException.class, TimeoutException.class },
            skipOn = OperationRefusedException.class)
    @CircuitBreakerName(BREAKER)
    @Timeout(2000)
    public Uni<RowSet<Row>> execute(String sql, Tuple arguments) {
        return pool.preparedQuery(sql).execute(arguments)
                .onFailure().transform(classifier::translate)
                .onItemOrFailure().invoke((rows, failure) -> {
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
}
