package dev.triage.playbook;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import dev.triage.api.ProblemException;
import dev.triage.api.Sourced;
import dev.triage.database.DatabaseMetrics;
import dev.triage.database.DatabaseUnavailableException;
import dev.triage.database.Migrations;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The playbook catalogue: stored in PostgreSQL, mirrored in memory. The mirror starts as the
 * classpath copy, so prompts work even when the database has never been reachable, and follows
 * the database after every successful read or write here and once a minute (changes made
 * through other replicas).
 */
@ApplicationScoped
public class PlaybookCatalogue {

    private static final Duration REFRESH = Duration.ofMinutes(1);

    private final PlaybookRepository repository;
    private final DatabaseMetrics metrics;
    private final Migrations migrations;
    private final AtomicReference<List<Playbook>> mirror = new AtomicReference<>(PlaybookDefaults.load());

    public PlaybookCatalogue(PlaybookRepository repository, DatabaseMetrics metrics, Migrations migrations) {
        this.repository = repository;
        this.metrics = metrics;
        this.migrations = migrations;
    }

    /** The catalogue as last seen: what prompts are built from. */
    public List<Playbook> current() {
        return mirror.get();
    }

    @Fallback(fallbackMethod = "mirrored", applyOn = { DatabaseUnavailableException.class,
            CircuitBreakerOpenException.class, TimeoutException.class })
    public Uni<Sourced<List<Playbook>>> list() {
        return repository.findAll().invoke(mirror::set).map(Sourced::live);
    }

    Uni<Sourced<List<Playbook>>> mirrored() {
        metrics.fallback("prompt-catalogue");
        return Uni.createFrom().item(Sourced.cached(mirror.get()));
    }

    public Uni<PlaybookRepository.Saved> save(String id, Playbook playbook) {
        return repository.upsert(id, playbook)
                .flatMap(saved -> saved.isPresent()
                        ? Uni.createFrom().item(saved.get())
                        : repository.findById(id).map(unchanged -> new PlaybookRepository.Saved(
                                unchanged.orElseThrow(() -> ProblemException.notFound("playbook " + id)), false)))
                .call(saved -> refresh());
    }

    public Uni<Void> delete(String id) {
        return repository.delete(id).flatMap(deleted -> {
            if (!deleted) {
                return Uni.createFrom().failure(ProblemException.notFound("No playbook with id '" + id + "'."));
            }
            return refresh();
        });
    }

    /** Other replicas change the catalogue too: follow the database once a minute. */
    void followTheDatabase(@Observes StartupEvent event, Vertx vertx) {
        vertx.setPeriodic(REFRESH.toMillis(), id -> {
            if (migrations.applied()) {
                refresh().subscribe().with(ignored -> {
                });
            }
        });
    }

    void onMigrated(@ObservesAsync Migrations.Applied applied) {
        refresh().subscribe().with(ignored -> Log.infof("Playbook catalogue loaded from the database (%d playbooks)",
                mirror.get().size()), failure -> Log.debugf("Playbook catalogue reload deferred: %s", failure));
    }

    private Uni<Void> refresh() {
        return repository.findAll().invoke(mirror::set).replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
