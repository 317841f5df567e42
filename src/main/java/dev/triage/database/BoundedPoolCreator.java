package dev.triage.database;

import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
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

    /** The pool.name tag of the sql.pool.* meters (pool_name in Prometheus). */
    public static final String POOL_NAME = "triage";

    private final DatabaseConfig config;
    private final DatabaseCredentials credentials;
    private volatile PgConnectOptions base;
    private volatile PoolOptions requestPoolOptions;
    private volatile Vertx vertx;

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
        this.base = base;
        this.requestPoolOptions = new PoolOptions(pool);
        this.vertx = vertx;
        return PgBuilder.pool()
                .with(pool)
                .connectingTo(() -> login(vertx, base))
                .using(vertx)
                .build();
    }

    /**
     * Another small pool with exactly the request pool's connection settings (TLS, timeouts,
     * startup parameters) and logins (password file, throttle): for the health probe, so that a
     * saturated request pool is not mistaken for a dead database. Call after the request pool exists.
     */
    public Pool sidePool(String name, int size) {
        PgConnectOptions options = requireBase();
        return PgBuilder.pool()
                .with(new PoolOptions().setName(name).setMaxSize(size).setMaxWaitQueueSize(0)
                        .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectingTo(() -> login(vertx, options))
                .using(vertx)
                .build();
    }

    /** A new request pool with the first one's settings, to replace one whose connections are stuck. */
    public Pool newRequestPool(String name) {
        PgConnectOptions options = requireBase();
        return PgBuilder.pool()
                .with(new PoolOptions(requestPoolOptions).setName(name))
                .connectingTo(() -> login(vertx, options))
                .using(vertx)
                .build();
    }

    /** The request pool's connection settings (a copy), without the password. */
    public PgConnectOptions connectOptions() {
        return copyOf(requireBase());
    }

    /**
     * A connection outside every pool, opened as the request pool opens its own (settings,
     * password, login throttle). The caller closes it.
     */
    public Future<PgConnection> connectFresh() {
        Vertx vertx = this.vertx;
        return login(vertx, requireBase()).compose(options -> PgConnection.connect(vertx, (PgConnectOptions) options));
    }

    /** The Vert.x instance the pools run on. */
    public Vertx vertx() {
        if (vertx == null) {
            throw new IllegalStateException("the request pool has not been created yet");
        }
        return vertx;
    }

    /** One login as the request pool does it (throttled, current password), for diagnostics. */
    public Future<SqlConnectOptions> login() {
        return login(vertx, requireBase());
    }

    /**
     * A copy of the options. Vert.x 4.5's copy constructor leaves out useLayer7Proxy (it copies
     * pipeliningLimit and sslMode only), so a plain copy would connect as to a server even when
     * quarkus.datasource.reactive.postgresql.use-layer7-proxy is set: behind a transaction-mode
     * PgBouncer every statement then fails with 26000 (prepared statement does not exist).
     */
    static PgConnectOptions copyOf(PgConnectOptions options) {
        return new PgConnectOptions(options).setUseLayer7Proxy(options.getUseLayer7Proxy());
    }

    private PgConnectOptions requireBase() {
        if (base == null) {
            throw new IllegalStateException("the request pool has not been created yet");
        }
        return base;
    }

    private Future<SqlConnectOptions> login(Vertx vertx, PgConnectOptions base) {
        // The password file is read on a worker thread (file I/O never runs on the event loop),
        // and first: a rotated password lifts the login throttle at once.
        return vertx.executeBlocking(credentials::password, false).compose(password -> {
            if (!credentials.tryLogin()) {
                return Future.failedFuture(new DatabaseUnavailableException(FailureCategory.AUTHENTICATION,
                        "logins paused after an authentication failure", null));
            }
            return Future.succeededFuture(copyOf(base)
                    .setUser(credentials.user())
                    .setPassword(password));
        });
    }
}
