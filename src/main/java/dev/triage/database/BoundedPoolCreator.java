package dev.triage.database;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Sets the pool limits that Quarkus does not expose for PostgreSQL. The Vert.x defaults are
 * unsafe under failure: an unbounded wait queue, a 30 s acquire timeout, the OS connect
 * timeout and no TCP keepalive.
 */
@Singleton
public class BoundedPoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;

    public BoundedPoolCreator(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = input.poolOptions()
                .setMaxWaitQueueSize(config.waitQueueSize())
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setConnectTimeout((int) config.connectTimeout().toMillis())
                    .setTcpKeepAlive(true);
        }
        return PgBuilder.pool()
                .with(pool)
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx())
                .build();
    }
}
