package dev.triage.incident;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import dev.triage.api.ProblemException;
import dev.triage.api.Sourced;
import dev.triage.database.DatabaseMetrics;
import dev.triage.database.DatabaseUnavailableException;
import dev.triage.prompt.IncidentContext;
import io.smallrye.mutiny.Uni;

/** Incident use cases: create (idempotent), read (with last-known-good fallback), list, change. */
@ApplicationScoped
public class IncidentService {

    /** The incident and whether this request created it (false: an idempotent replay). */
    public record Creation(Incident incident, boolean created) {
    }

    private final IncidentRepository repository;
    private final LastKnownGood lastKnownGood;
    private final DatabaseMetrics metrics;

    public IncidentService(IncidentRepository repository, LastKnownGood lastKnownGood, DatabaseMetrics metrics) {
        this.repository = repository;
        this.lastKnownGood = lastKnownGood;
        this.metrics = metrics;
    }

    /** Idempotency keys of API callers live in {@code client:<caller>}; the service's own sources in {@code service:<source>}. */
    static String clientScope(String caller) {
        return "client:" + caller;
    }

    static String serviceScope(String source) {
        return "service:" + source;
    }

    /**
     * Stores a context for a caller. With an idempotency key, a repeat by the same caller with the
     * same content returns the first incident and a repeat with other content is a 422; the unique
     * constraint on (scope, key) decides, so concurrent duplicates are safe. Keys are scoped by
     * caller: no caller can reach another caller's incident, or one the service records for itself.
     */
    public Uni<Creation> create(IncidentContext raw, String caller, String idempotencyKey) {
        IncidentContext context = raw.withDefaults();
        String hash = RequestHash.of(context);
        UUID id = UUID.randomUUID();
        String scope = idempotencyKey == null ? null : clientScope(caller);
        return repository.insert(id, context, scope, idempotencyKey, hash).flatMap(inserted -> {
            if (inserted.isPresent()) {
                return Uni.createFrom().item(new Creation(lastKnownGood.remember(inserted.get()), true));
            }
            Uni<Optional<Incident>> existing = idempotencyKey == null
                    ? repository.findById(id)
                    : repository.findByIdempotencyKey(scope, idempotencyKey);
            return existing.map(found -> {
                Incident incident = found.orElseThrow(() -> new IllegalStateException(
                        "insert conflicted but no conflicting incident exists"));
                if (incident.id().equals(id)) {
                    // our own insert, committed by an attempt whose reply was lost
                    return new Creation(lastKnownGood.remember(incident), true);
                }
                if (!incident.requestHash().equals(hash)) {
                    throw new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused",
                            "This Idempotency-Key was already used with a different request body (incident "
                                    + incident.id() + ").");
                }
                return new Creation(incident, false);
            });
        });
    }

    /**
     * Records an incident reported by another system ({@code source}, e.g. alertmanager) under its
     * own stable key, in the service's scope that no API caller can write to: a repeat returns the
     * first incident whatever its content (alerts repeat with changing annotations).
     */
    public Uni<Creation> record(IncidentContext raw, String source, String key) {
        IncidentContext context = raw.withDefaults();
        UUID id = UUID.randomUUID();
        String scope = serviceScope(source);
        return repository.insert(id, context, scope, key, RequestHash.of(context)).flatMap(inserted -> inserted.isPresent()
                ? Uni.createFrom().item(new Creation(lastKnownGood.remember(inserted.get()), true))
                : repository.findByIdempotencyKey(scope, key).map(found -> {
                    Incident incident = found.orElseThrow(() -> new IllegalStateException("conflict without a row"));
                    return new Creation(incident, incident.id().equals(id));
                }));
    }

    /** Marks an incident resolved (a no-op when it already is), adding a note. */
    public Uni<Incident> resolve(Incident incident, String note) {
        if (incident.status() == IncidentStatus.RESOLVED) {
            return Uni.createFrom().item(incident);
        }
        String notes = incident.notes() == null ? note : incident.notes() + "\n" + note;
        return repository.update(incident.id(), incident.version(), IncidentStatus.RESOLVED, notes)
                .flatMap(updated -> updated.isPresent()
                        ? Uni.createFrom().item(lastKnownGood.remember(updated.get()))
                        // changed meanwhile: read it again and retry once
                        : repository.findById(incident.id()).flatMap(current -> current.isPresent()
                                && current.get().status() != IncidentStatus.RESOLVED
                                        ? repository.update(incident.id(), current.get().version(), IncidentStatus.RESOLVED,
                                                notes).map(u -> u.orElse(current.get()))
                                        : Uni.createFrom().item(current.orElse(incident))));
    }

    @Fallback(fallbackMethod = "lastKnown", applyOn = { DatabaseUnavailableException.class,
            CircuitBreakerOpenException.class, TimeoutException.class })
    public Uni<Sourced<Incident>> get(UUID id) {
        return repository.findById(id)
                .map(found -> Sourced.live(lastKnownGood.remember(found.orElseThrow(() -> notFound(id)))));
    }

    Uni<Sourced<Incident>> lastKnown(UUID id, Throwable failure) {
        Optional<Incident> copy = lastKnownGood.recall(id);
        metrics.fallback(copy.isPresent() ? "cache" : "unavailable");
        return copy.map(incident -> Uni.createFrom().item(Sourced.cached(incident)))
                .orElseGet(() -> Uni.createFrom().failure(failure));
    }

    public Uni<IncidentPage> list(IncidentFilter filter, Cursor after, int limit) {
        return repository.list(filter, after, limit + 1).map(rows -> {
            boolean more = rows.size() > limit;
            List<Incident> page = more ? rows.subList(0, limit) : rows;
            return new IncidentPage(List.copyOf(page), more ? Cursor.after(page.get(page.size() - 1)).encode() : null);
        });
    }

    /**
     * Applies a patch if {@code ifMatch} names the current version (else 412). A retry whose
     * first attempt committed but whose reply was lost (the client's connection dropped, or the
     * database's reply to the UPDATE) names the version before its own change: when the stored
     * state already equals the requested change, that retry gets 200 with the current
     * representation instead of a 412 it could not act on. Nothing is written twice.
     */
    public Uni<Incident> change(UUID id, String ifMatch, IncidentPatch patch) {
        if (patch == null || (patch.status() == null && patch.notes() == null)) {
            throw ProblemException.badRequest("body", "give a status, notes, or both");
        }
        return repository.findById(id).flatMap(found -> {
            Incident current = found.orElseThrow(() -> notFound(id));
            if (!ETags.matches(ifMatch, current.etag())) {
                return alreadyApplied(current, ifMatch, patch)
                        ? Uni.createFrom().item(lastKnownGood.remember(current))
                        : Uni.createFrom().failure(preconditionFailed(current));
            }
            IncidentStatus next = patch.status() == null ? current.status() : patch.status();
            if (!current.status().canBecome(next)) {
                return Uni.createFrom().failure(new ProblemException(409, "invalid-transition", "Invalid transition",
                        "An incident moves open -> acknowledged -> resolved; it cannot go from "
                                + current.status().id() + " to " + next.id() + "."));
            }
            String notes = patch.notes() == null ? current.notes() : patch.notes();
            return repository.update(id, current.version(), next, notes).flatMap(updated -> updated.isPresent()
                    ? Uni.createFrom().item(lastKnownGood.remember(updated.get()))
                    // No row at that version: a concurrent change, or this request's own UPDATE
                    // committed by an attempt whose reply was lost and then retried by GuardedPool.
                    : repository.findById(id).map(now -> {
                        Incident stored = now.orElseThrow(() -> notFound(id));
                        if (alreadyApplied(stored, current.etag(), patch)) {
                            return lastKnownGood.remember(stored);
                        }
                        throw preconditionFailed(stored);
                    }));
        });
    }

    /**
     * The stored incident already carries everything the patch asks for, and the client's
     * If-Match names an earlier version of it (it read the incident before the change).
     */
    static boolean alreadyApplied(Incident stored, String ifMatch, IncidentPatch patch) {
        return ETags.namesEarlierVersion(ifMatch, stored.version())
                && (patch.status() == null || patch.status() == stored.status())
                && (patch.notes() == null || patch.notes().equals(stored.notes()));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No incident with id " + id + ".");
    }

    private static ProblemException preconditionFailed(Incident current) {
        return new ProblemException(412, "precondition-failed", "Precondition failed",
                "The incident has changed since you read it (If-Match does not name its current version); read it"
                        + " again and reapply your change.", null, Map.of("ETag", current.etag()));
    }
}
