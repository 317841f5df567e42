package dev.triage.database;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The cluster-wide maintenance setting: one row in PostgreSQL (V3), written through any
 * replica (a request: the guarded path) and read by every replica every
 * {@code triage.maintenance.poll-interval} (1 s) in the background, together with the optional
 * maintenance file. What was read goes into {@link MaintenanceMode}, whose snapshot the write
 * path checks; a read that fails (database unreachable) changes nothing, so the last known state
 * stays in force.
 */
@ApplicationScoped
public class SharedMaintenance {

    static final String COLUMNS = "enabled, reason, retry_after_seconds, changed_at";
    static final int MAX_REASON = 500;
    static final int DEFAULT_RETRY_AFTER = 60;
    /** A read of the shared row that takes longer is abandoned (the next poll tries again). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    private final Database database;
    private final GuardedPool guarded;
    private final FailureClassifier classifier;
    private final Migrations migrations;
    private final MaintenanceMode mode;
    private final MaintenanceConfig config;
    private final Vertx vertx;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean readingFile = new AtomicBoolean();
    private volatile String sharedProblem;
    private volatile String fileProblem;
    private volatile MaintenanceMode.Setting fileSetting = MaintenanceMode.Setting.OFF;
    private long timer = -1;

    public SharedMaintenance(Database database, GuardedPool guarded, FailureClassifier classifier, Migrations migrations,
            MaintenanceMode mode, MaintenanceConfig config, Vertx vertx) {
        this.database = database;
        this.guarded = guarded;
        this.classifier = classifier;
        this.migrations = migrations;
        this.mode = mode;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        config.file().ifPresent(file -> Log.infof("Maintenance mode also follows the file %s", file));
        poll();
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> poll());
    }

    /**
     * Polling stops when shutdown begins (the graceful-shutdown delay), not at its end: the state
     * in force is kept, and file reads no longer fail with a closing worker pool and log a WARN.
     */
    void stopFollowing(@Observes ShutdownDelayInitiatedEvent event) {
        stop(null);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** The schema now has the shared row: read it at once rather than at the next tick. */
    void onMigrated(@ObservesAsync Migrations.Applied applied) {
        vertx.runOnContext(ignored -> readShared());
    }

    /**
     * Switches maintenance mode for every replica: stores the setting, then follows it here at
     * once (the others follow within a poll interval). Answers the state now in force on this
     * replica, which the file may still hold on.
     */
    public Uni<MaintenanceMode.State> set(boolean enabled, String reason, int retryAfterSeconds) {
        // An upsert, safe to retry; changed_at moves only when the switch does.
        String sql = "INSERT INTO maintenance_mode AS m (id, enabled, reason, retry_after_seconds)"
                + " VALUES (true, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET enabled = EXCLUDED.enabled,"
                + " reason = EXCLUDED.reason, retry_after_seconds = EXCLUDED.retry_after_seconds,"
                + " changed_at = CASE WHEN m.enabled = EXCLUDED.enabled THEN m.changed_at ELSE clock_timestamp() END"
                + " RETURNING " + COLUMNS;
        return database.control("maintenance.set", sql, Tuple.of(enabled, enabled ? reason : null, retryAfterSeconds))
                .map(rows -> {
                    mode.followShared(setting(rows));
                    return mode.state();
                });
    }

    private void poll() {
        readFile();
        readShared();
    }

    private void readShared() {
        if (!migrations.applied() || !reading.compareAndSet(false, true)) {
            return; // no table yet, or the previous read is still out (bounded by READ_TIMEOUT)
        }
        // On a request-pool connection (no connection of its own for the budget), but not through
        // the breaker or the failure bookkeeping: a background read is not a request, and like the
        // health probe it keeps looking while the breaker is open.
        guarded.currentPool()
                .withConnection(connection -> connection.query("SELECT " + COLUMNS + " FROM maintenance_mode").execute())
                .ifNoItem().after(READ_TIMEOUT).fail()
                .subscribe().with(rows -> {
                    reading.set(false);
                    mode.followShared(setting(rows));
                    if (sharedProblem != null) {
                        Log.infof("Maintenance mode: following the shared setting again");
                        sharedProblem = null;
                    }
                }, failure -> {
                    reading.set(false);
                    String problem = classifier.classify(failure).map(FailureCategory::id)
                            .orElse(failure.getClass().getSimpleName());
                    if (sharedProblem == null) {
                        // one line when following stops, one when it resumes: not one per poll
                        Log.warnf("Maintenance mode: cannot read the shared setting (%s); the last known state stays"
                                + " in force (enabled=%s)", problem, mode.state().enabled());
                    }
                    sharedProblem = problem;
                });
    }

    private void readFile() {
        Optional<Path> file = config.file();
        if (file.isEmpty() || !readingFile.compareAndSet(false, true)) {
            return;
        }
        // Vert.x reads the file on a worker thread: file I/O never blocks the event loop.
        vertx.fileSystem().readFile(file.get().toString()).onComplete(result -> {
            readingFile.set(false);
            if (result.succeeded()) {
                followFile(parse(result.result().toString(StandardCharsets.UTF_8), file.get()), null);
            } else if (missing(result.cause())) {
                followFile(MaintenanceMode.Setting.OFF, null);
            } else {
                followFile(fileSetting, result.cause().getClass().getSimpleName()); // unreadable: keep the last
            }
        });
    }

    private void followFile(MaintenanceMode.Setting read, String problem) {
        MaintenanceMode.Setting previous = fileSetting;
        // "since" is when this replica first saw the file switch it on
        MaintenanceMode.Setting next = read.enabled() && previous.enabled()
                ? new MaintenanceMode.Setting(true, read.reason(), read.retryAfterSeconds(), previous.since())
                : read;
        fileSetting = next;
        mode.followFile(next);
        if (problem != null && !problem.equals(fileProblem)) {
            Log.warnf("Maintenance file %s cannot be read (%s); keeping what it said last", config.file().orElse(null),
                    problem);
        }
        fileProblem = problem;
    }

    /** A properties file: switched on while present unless {@code enabled=false}. */
    static MaintenanceMode.Setting parse(String content, Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(content));
        } catch (IOException | IllegalArgumentException e) {
            // a malformed file still means someone wants maintenance on: fail safe
            properties.clear();
        }
        if ("false".equalsIgnoreCase(properties.getProperty("enabled", "true").trim())) {
            return MaintenanceMode.Setting.OFF;
        }
        String reason = properties.getProperty("reason", "").trim();
        if (reason.isEmpty()) {
            reason = "maintenance (switched on by the file " + file.getFileName() + ")";
        }
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON);
        }
        int retryAfter = DEFAULT_RETRY_AFTER;
        try {
            retryAfter = Math.max(1, Math.min(86400,
                    Integer.parseInt(properties.getProperty("retry-after-seconds", "" + DEFAULT_RETRY_AFTER).trim())));
        } catch (NumberFormatException e) {
            // keep the default
        }
        return new MaintenanceMode.Setting(true, reason, retryAfter, Instant.now());
    }

    private static boolean missing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }

    private static MaintenanceMode.Setting setting(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return MaintenanceMode.Setting.OFF;
        }
        Row row = rows.iterator().next();
        OffsetDateTime changed = row.getOffsetDateTime("changed_at");
        Instant since = changed == null ? null : changed.toInstant();
        return Boolean.TRUE.equals(row.getBoolean("enabled"))
                ? new MaintenanceMode.Setting(true, row.getString("reason"), row.getInteger("retry_after_seconds"), since)
                : new MaintenanceMode.Setting(false, null, 0, since);
    }
}
