package dev.triage.database;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Maps a real failure (Vert.x, Netty, JDK, PostgreSQL SQLSTATE) to a {@link FailureCategory}.
 * Everything that reports or reacts to database failures asks this class, so one failure is
 * named the same way in responses, metrics, health and diagnostics.
 */
@ApplicationScoped
public class FailureClassifier {

    /** SQLSTATE (exact code) to category. Classes are handled in {@link #bySqlState}. */
    private static final Map<String, FailureCategory> SQLSTATES = Map.ofEntries(
            Map.entry("57P01", FailureCategory.SERVICE_DOWN), // admin_shutdown
            Map.entry("57P02", FailureCategory.SERVICE_DOWN), // crash_shutdown
            Map.entry("57P03", FailureCategory.SERVICE_DOWN), // cannot_connect_now
            Map.entry("53300", FailureCategory.POOL_EXHAUSTED), // too_many_connections
            Map.entry("28P01", FailureCategory.AUTHENTICATION), // invalid_password
            Map.entry("28000", FailureCategory.AUTHENTICATION), // invalid_authorization_specification
            Map.entry("53100", FailureCategory.RESOURCE_EXHAUSTION), // disk_full
            Map.entry("53200", FailureCategory.RESOURCE_EXHAUSTION), // out_of_memory
            Map.entry("53400", FailureCategory.RESOURCE_EXHAUSTION), // configuration_limit_exceeded
            Map.entry("25006", FailureCategory.READ_ONLY), // read_only_sql_transaction
            Map.entry("57014", FailureCategory.TIMEOUT), // query_canceled (statement_timeout)
            Map.entry("55P03", FailureCategory.TIMEOUT)); // lock_not_available (lock_timeout)

    /** SQLSTATEs that are not outages but are worth one more try. */
    private static final Set<String> RETRYABLE_QUERY_STATES = Set.of(
            "40001", // serialization_failure
            "40P01"); // deadlock_detected

    /** The category of a failure, or empty when it is not a database failure at all. */
    public Optional<FailureCategory> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<FailureCategory> category = classifyOne(t);
            if (category.isPresent()) {
                return category;
            }
        }
        return Optional.empty();
    }

    /**
     * The exception a guarded operation fails with: transient unavailability (retried), a
     * refusal by a working server (read-only, statement/lock timeout: 503, not counted by the
     * breaker), other unavailability (503, counted by the breaker), or a query error (neither).
     */
    public RuntimeException translate(Throwable failure) {
        if (failure instanceof DatabaseUnavailableException || failure instanceof DatabaseQueryException) {
            return (RuntimeException) failure;
        }
        if (sessionLost(failure)) {
            return new SessionLostException(describe(failure), failure);
        }
        String sqlState = sqlStateOf(failure);
        Optional<FailureCategory> category = classify(failure);
        if (category.isEmpty() || category.get() == FailureCategory.QUERY) {
            if (sqlState != null && RETRYABLE_QUERY_STATES.contains(sqlState)) {
                return new RetryableQueryException(sqlState, describe(failure), failure);
            }
            return new DatabaseQueryException(sqlState, describe(failure), failure);
        }
        FailureCategory c = category.get();
        if (c.isTransient()) {
            return new TransientDatabaseException(c, describe(failure), failure);
        }
        if (sqlState != null && (c == FailureCategory.READ_ONLY || c == FailureCategory.TIMEOUT)) {
            return new OperationRefusedException(c, describe(failure), failure);
        }
        return new DatabaseUnavailableException(c, describe(failure), failure);
    }

    private Optional<FailureCategory> classifyOne(Throwable t) {
        if (t instanceof DatabaseUnavailableException known) {
            return Optional.of(known.category()); // already named, e.g. a login held back by the throttle
        }
        if (t instanceof PgException pg) {
            return Optional.of(bySqlState(pg.getSqlState()));
        }
        // JDBC (Flyway's connection): a connection_exception (08xxx) wraps the real cause.
        if (t instanceof SQLException sql && sql.getSQLState() != null
                && !(sql.getSQLState().startsWith("08") && sql.getCause() != null)) {
            return Optional.of(bySqlState(sql.getSQLState()));
        }
        // ConnectTimeoutException extends ConnectException: test it first.
        if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
            return Optional.of(FailureCategory.NETWORK);
        }
        if (t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
            return Optional.of(FailureCategory.NETWORK);
        }
        if (t instanceof ConnectException) {
            return Optional.of(FailureCategory.SERVICE_DOWN);
        }
        if (t instanceof ClosedConnectionException || t instanceof ClosedChannelException
                || t instanceof SocketException) {
            return Optional.of(FailureCategory.NETWORK);
        }
        String message = t.getMessage() == null ? "" : t.getMessage();
        // The pool's acquire timeout: "Timeout waiting for connection" (a bare "Timeout" in older Vert.x).
        String lower = message.toLowerCase(Locale.ROOT);
        if ("timeout".equals(lower) || lower.startsWith("timeout waiting for connection")) {
            return Optional.of(FailureCategory.POOL_EXHAUSTED);
        }
        if (lower.contains("connection is not active now") || lower.contains("connection reset")
                || lower.contains("failed to read any response")) {
            return Optional.of(FailureCategory.NETWORK);
        }
        if (lower.contains("wait queue is full") || lower.contains("max wait queue size")) {
            return Optional.of(FailureCategory.POOL_EXHAUSTED);
        }
        return Optional.empty();
    }

    static FailureCategory bySqlState(String sqlState) {
        if (sqlState == null) {
            return FailureCategory.QUERY;
        }
        FailureCategory exact = SQLSTATES.get(sqlState);
        if (exact != null) {
            return exact;
        }
        if (sqlState.startsWith("08")) { // connection_exception class
            return FailureCategory.NETWORK;
        }
        return FailureCategory.QUERY;
    }

    private static String sqlStateOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getSqlState();
            }
        }
        return null;
    }

    /**
     * Whether an established session was lost: the server ended it (57P01 admin_shutdown, as
     * pg_terminate_backend or a fast shutdown do; 57P02 crash_shutdown) or its socket closed
     * under the query, or its pool was closed. The statement did not complete, and the pool may hold more sessions that
     * died the same way but whose close the event loop has not processed yet (on a busy CPU, for
     * a while): so such a failure says nothing yet about the server, only about that session.
     * A failure to open a connection (refused, connect timeout) is not a lost session.
     */
    public static boolean sessionLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return false;
            }
            if (t instanceof PgException pg) {
                return "57P01".equals(pg.getSqlState()) || "57P02".equals(pg.getSqlState());
            }
            if (t instanceof ClosedConnectionException || t instanceof ClosedChannelException) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("connection is not active now") || message.contains("connection reset")
                    || message.contains("failed to read any response")) {
                return true;
            }
            // The request pool was replaced under a waiting statement (GuardedPool.replaceIfStarved):
            // nothing was sent, and the new pool may serve it.
            if (message.equals("pool closed")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the server itself reported this failure (it has a SQLSTATE): the server is answering. */
    public static boolean serverAnswered(Throwable failure) {
        return sqlStateOf(failure) != null;
    }

    /** The innermost cause as "Type: message", for logs and diagnostics (driver messages carry no password). */
    public static String rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** A short description without SQL text or credentials: the exception type and SQLSTATE. */
    private static String describe(Throwable failure) {
        String state = sqlStateOf(failure);
        return failure.getClass().getSimpleName() + (state == null ? "" : " (SQLSTATE " + state + ")");
    }
}
