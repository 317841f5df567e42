package dev.triage.incident;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The last version of each incident read from or written to the database, bounded by memory
 * (triage.incident-cache.max-size). Reads fall back to it while the database is unavailable. It
 * never holds a write that the database has not committed.
 *
 * <p>
 * On the hot path (every GET by id), so: a read of an unchanged row does not write the cache
 * again, and Caffeine's maintenance runs on the caller's thread. Its default executor is
 * ForkJoinPool.commonPool(), which on a machine or container with 2 CPUs or fewer starts a new
 * thread for every task: one thread per request.
 */
@ApplicationScoped
public class LastKnownGood {

    /** Rough fixed cost of an incident object, its strings and its timestamps, in bytes. */
    private static final int OBJECT_OVERHEAD = 600;

    private final Cache<UUID, Incident> cache;
    private final boolean enabled;

    public LastKnownGood(IncidentCacheConfig config, MeterRegistry registry) {
        this.enabled = config.enabled();
        this.cache = Caffeine.newBuilder()
                .maximumWeight(config.maxSize().asLongValue())
                .weigher((UUID id, Incident incident) -> weigh(incident))
                .executor(Runnable::run)
                .build();
        Gauge.builder("triage.incident.cache.size", cache, Cache::estimatedSize)
                .description("Incidents held as last-known-good copies").register(registry);
        Gauge.builder("triage.incident.cache.weight", this, LastKnownGood::weight).baseUnit("bytes")
                .description("Estimated memory held by the last-known-good copies").register(registry);
    }

    public Incident remember(Incident incident) {
        if (enabled) {
            Incident known = cache.getIfPresent(incident.id());
            if (known == null || known.version() != incident.version()) {
                cache.put(incident.id(), incident);
            }
        }
        return incident;
    }

    public Optional<Incident> recall(UUID id) {
        return Optional.ofNullable(cache.getIfPresent(id));
    }

    public long size() {
        return cache.estimatedSize();
    }

    private long weight() {
        return cache.policy().eviction().flatMap(e -> e.weightedSize().stream().boxed().findFirst()).orElse(0L);
    }

    /** Bytes an incident holds, estimated: two bytes a character (the worst case of a Java string). */
    static int weigh(Incident incident) {
        var c = incident.context();
        long chars = length(incident.notes()) + length(c.issueDescription()) + length(c.errorMessage())
                + length(c.service()) + length(c.logExcerpt()) + length(incident.requestHash());
        for (Map.Entry<String, String> label : (c.labels() == null ? Map.<String, String>of() : c.labels()).entrySet()) {
            chars += length(label.getKey()) + length(label.getValue()) + 40;
        }
        return (int) Math.min(Integer.MAX_VALUE, OBJECT_OVERHEAD + 2 * chars);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
