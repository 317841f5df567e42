package dev.triage.database;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The guarded path to the database that every feature uses: waits for the schema, then runs
 * one prepared statement with parameters through {@link GuardedPool}.
 */
@ApplicationScoped
public class Database {

    private final GuardedPool guarded;
    private final Migrations migrations;

    public Database(GuardedPool guarded, Migrations migrations) {
        this.guarded = guarded;
        this.migrations = migrations;
    }

    public Uni<RowSet<Row>> execute(String sql, Tuple arguments) {
        if (!migrations.applied()) {
            return Uni.createFrom().failure(new DatabaseUnavailableException(FailureCategory.MIGRATION_PENDING,
                    "the schema migrations have not run yet", null));
        }
        return guarded.execute(sql, arguments);
    }
}
