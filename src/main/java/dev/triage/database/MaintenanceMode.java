package dev.triage.database;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Maintenance mode: writes answer 503 with the operator's reason and Retry-After, reads and
 * prompts keep working. Cluster-wide: the setting is one row in PostgreSQL that every replica
 * follows ({@link MaintenanceFollower}); a file (a mounted ConfigMap) switches it on without
 * the database. Writes are refused while either says on.
 *
 * <p>The write path reads one volatile snapshot here, never the database: following happens in
 * the background, and while the database is unreachable the last state read from it stays in
 * force.
 */
@ApplicationScoped
public class MaintenanceMode {

    /** Where the state in force comes from. */
    public enum Source {
        /** Nothing has switched it on (or the shared row has not been read yet). */
        DEFAULT,
        /** The shared row in PostgreSQL, set through any replica. */
        DATABASE,
        /** The maintenance file of this replica (triage.maintenance.file). */
        FILE;

        public String id() {
            return name().toLowerCase();
        }
    }

    /** A setting: whether writes are paused, why, for how long clients should wait, since when. */
    public record Setting(boolean enabled, String reason, int retryAfterSeconds, Instant since) {

        static final Setting OFF = new Setting(false, null, 0, null);
    }

    /**
     * The state in force on this replica. {@code source} says which switch decided it;
     * {@code sharedReadAt} is when the shared row was last read (null: never yet), so an
     * operator can see how fresh this replica's view is. Serialised by Jackson (admin API).
     */
    @RegisterForReflection
    public record State(boolean enabled, String reason, int retryAfterSeconds, Instant since, String source,
            Instant sharedReadAt) {
    }

    private volatile Setting shared = Setting.OFF;
    private volatile Setting file = Setting.OFF;
    private volatile Instant sharedReadAt;
    private volatile State current = resolve();

    public State state() {
        return current;
    }

    /** Throws when writes are paused: one volatile read, no I/O. */
    public void checkWritesAllowed() {
        State now = current;
        if (now.enabled()) {
            throw new MaintenanceException(now.reason(), now.retryAfterSeconds());
        }
    }

    /** The shared row as just read from (or written to) the database. */
    synchronized void followShared(Setting setting) {
        sharedReadAt = Instant.now();
        shared = setting;
        update();
    }

    /** The maintenance file as just read: {@link Setting#OFF} when absent. */
    synchronized void followFile(Setting setting) {
        file = setting;
        update();
    }

    private void update() {
        State previous = current;
        State next = resolve();
        current = next;
        if (previous.enabled() != next.enabled() || (next.enabled() && !previous.source().equals(next.source()))) {
            if (next.enabled()) {
                Log.infof("Maintenance mode on (source %s): %s; writes answer 503 for now", next.source(), next.reason());
            } else {
                Log.infof("Maintenance mode off: writes accepted again");
            }
        }
    }

    /** The file wins while it says on (it works without the database); otherwise the shared row decides. */
    private State resolve() {
        Setting fromFile = file;
        Setting fromDatabase = shared;
        if (fromFile.enabled()) {
            return new State(true, fromFile.reason(), fromFile.retryAfterSeconds(), fromFile.since(), Source.FILE.id(),
                    sharedReadAt);
        }
        if (fromDatabase.enabled()) {
            return new State(true, fromDatabase.reason(), fromDatabase.retryAfterSeconds(), fromDatabase.since(),
                    Source.DATABASE.id(), sharedReadAt);
        }
        Instant since = fromDatabase.since();
        return new State(false, null, 0, since, sharedReadAt == null ? Source.DEFAULT.id() : Source.DATABASE.id(),
                sharedReadAt);
    }
}
