package dev.triage.database;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The guarded path to the database that every feature uses. Each operation is one prepared
 * statement with parameters, named for metrics. Before it reaches {@link GuardedPool}, it waits
 * for the schema (503 until the migrations have run) and, for writes, for maintenance mode to be
 * off; afterwards the whole operation, retries included, is capped at
 * triage.database.operation-timeout.
 */
@ApplicationScoped
public class Database {

    private final GuardedPool guarded;
    private final Migrations migrations;
    private final MaintenanceMode maintenance;
    private final DatabaseMetrics metrics;
    private final FailureLog failures;
    private final Duration budget;

    public Database(GuardedPool guarded, Migrations migrations, MaintenanceMode maintenance, DatabaseMetrics metrics,
            FailureLog failures, DatabaseConfig config) {
        this.guarded = guarded;
        this.migrations = migrations;
        this.maintenance = maintenance;
        this.metrics = metrics;
        this.failures = failures;
        this.budget = config.operationTimeout();
    }

    /** A read. */
    public Uni<RowSet<Row>> query(String operation, String sql, Tuple arguments) {
        return run(operation, sql, arguments);
    }

    /** A write: refused while maintenance mode is on. Statements must be safe to retry. */
    public Uni<RowSet<Row>> update(String operation, String sql, Tuple arguments) {
        return Uni.createFrom().deferred(() -> {
            maintenance.checkWritesAllowed();
            return run(operation, sql, arguments);
        });
    }

    /** A write that maintenance mode does not pause: switching maintenance mode itself. */
    public Uni<RowSet<Row>> control(String operation, String sql, Tuple arguments) {
        return run(operation, sql, arguments);
    }

    private Uni<RowSet<Row>> run(String operation, String sql, Tuple arguments) {
        return Uni.createFrom().deferred(() -> {
            if (!migrations.applied()) {
                // While the schema waits, say why: the database being down is the real cause.
                FailureCategory cause = migrations.lastFailure().orElse(FailureCategory.MIGRATION_PENDING);
                return Uni.createFrom().failure(new DatabaseUnavailableException(cause,
                        "the schema migrations have not run yet", null));
            }
            long start = System.nanoTime();
            return guarded.execute(sql, arguments)
                    .onFailure(SessionLostException.class)
                    .transform(lost -> ((SessionLostException) lost).asCurrentFailure(failures))
                    .ifNoItem().after(budget).failWith(() -> new DatabaseUnavailableException(FailureCategory.TIMEOUT,
                            "the operation took longer than " + budget, null))
                    .onItemOrFailure().invoke((rows, failure) -> {
                        if (failure instanceof TimeoutException || (failure instanceof DatabaseUnavailableException e
                                && e.category() == FailureCategory.TIMEOUT && !(e instanceof OperationRefusedException))) {
                            // no answer in time: GuardedPool saw no database error, so record it here
                            metrics.failed(FailureCategory.TIMEOUT);
                            failures.failed(FailureCategory.TIMEOUT, "no answer within the time limit");
                        }
                        metrics.operation(operation, outcome(failure), Duration.ofNanos(System.nanoTime() - start));
                    });
        });
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof DatabaseUnavailableException e) {
            return e.category().id();
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return "breaker-open";
        }
        if (failure instanceof TimeoutException) {
            return FailureCategory.TIMEOUT.id();
        }
        return "error";
    }
}
