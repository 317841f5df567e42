package dev.triage.database;

import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Builds the request pool with the limits that Quarkus does not expose for PostgreSQL. The
 * Vert.x defaults are unsafe under failure: an unbounded wait queue, a 30 s acquire timeout,
 * the OS connect timeout and no TCP keepalive. Every new connection asks
 * {@link DatabaseCredentials} for the current password (a rotated Secret needs no restart) and
 * whether a login may go out now (no reconnect storm while the password is wrong).
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    /** The pool_name label of the sql_pool_* metrics. */
    public static final String POOL_NAME = "triage";

    private final DatabaseConfig config;
    private final DatabaseCredentials credentials;

    public BoundedPoolCreator(DatabaseConfig config, DatabaseCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = input.poolOptions()
                .setName(POOL_NAME)
                .setMaxWaitQueueSize(config.waitQueueSize())
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        // One failover-aware address (a primary Service or a pooler), not round-robin over several.
        PgConnectOptions base = input.pgConnectOptionsList().get(0)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setTcpKeepAlive(true);
        Vertx vertx = input.vertx();
        return PgBuilder.pool()
                .with(pool)
                .connectingTo(() -> login(vertx, base))
                .using(vertx)
                .build();
    }

    private Future<SqlConnectOptions> login(Vertx vertx, PgConnectOptions base) {
        // The password file is read on a worker thread (file I/O never runs on the event loop),
        // and first: a rotated password lifts the login throttle at once.
        return vertx.executeBlocking(credentials::password, false).compose(password -> {
            if (!credentials.tryLogin()) {
                return Future.failedFuture(new DatabaseUnavailableException(FailureCategory.AUTHENTICATION,
                        "logins paused after an authentication failure", null));
            }
            return Future.succeededFuture(new PgConnectOptions(base)
                    .setUser(credentials.user())
                    .setPassword(password));
        });
    }
}
