package dev.triage.database;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.flywaydb.core.Flyway;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the Flyway migrations in the background once the database is reachable, retrying with
 * exponential backoff, so that the service starts and serves prompts with the database down.
 * Until they have run, {@link Database} answers every statement with migration-pending.
 */
@ApplicationScoped
public class Migrations {

    /** Fired once, after the schema is up to date. */
    public record Applied(int migrationsExecuted) {
    }

    private final Instance<Flyway> flyway;
    private final FailureClassifier classifier;
    private final DatabaseConfig config;
    private final Event<Applied> applied;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "triage-migrations");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean done;
    private volatile int attempts;
    private volatile FailureCategory lastCategory;
    private String lastFailure;

    private final DatabaseCredentials credentials;

    public Migrations(Instance<Flyway> flyway, FailureClassifier classifier, DatabaseConfig config,
            Event<Applied> applied, DatabaseCredentials credentials) {
        this.flyway = flyway;
        this.classifier = classifier;
        this.config = config;
        this.applied = applied;
        this.credentials = credentials;
    }

    void onStart(@Observes StartupEvent event) {
        scheduler.execute(() -> attempt(config.migrationInitialBackoff()));
    }

    void onStop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
    }

    public boolean applied() {
        return done;
    }

    public int attempts() {
        return attempts;
    }

    /** Why the last attempt failed, when it was a database failure. */
    public Optional<FailureCategory> lastFailure() {
        return done ? Optional.empty() : Optional.ofNullable(lastCategory);
    }

    private void attempt(Duration backoff) {
        attempts++;
        try {
            int executed = flyway.get().migrate().migrationsExecuted;
            done = true;
            Log.infof("Database migrations applied (%d new) after %d attempt(s)", executed, attempts);
            applied.fireAsync(new Applied(executed));
        } catch (Throwable e) { // an Error too: the task must reschedule itself, never die silently
            Optional<FailureCategory> category = classifier.classify(e);
            lastCategory = category.orElse(null);
            if (lastCategory == FailureCategory.AUTHENTICATION) {
                credentials.authenticationFailed();
            }
            String failure = category.map(FailureCategory::id).orElse(e.getClass().getSimpleName());
            if (!failure.equals(lastFailure)) {
                // one line per change of cause, not one per attempt
                Log.warnf("Database migrations waiting: %s (%s); retrying with backoff up to %s", failure,
                        FailureClassifier.rootCause(e), config.migrationMaxBackoff());
                lastFailure = failure;
            }
            Duration next = backoff.multipliedBy(2).compareTo(config.migrationMaxBackoff()) > 0
                    ? config.migrationMaxBackoff()
                    : backoff.multipliedBy(2);
            if (!scheduler.isShutdown()) {
                scheduler.schedule(() -> attempt(next), backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
