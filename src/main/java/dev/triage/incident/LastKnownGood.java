package dev.triage.incident;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;

/**
 * The last version of each incident read from or written to the database, bounded in size
 * (quarkus.cache.caffeine."incidents".maximum-size). Reads fall back to it while the database
 * is unavailable. It never holds a write that the database has not committed.
 */
@ApplicationScoped
public class LastKnownGood {

    private final CaffeineCache cache;

    public LastKnownGood(@CacheName("incidents") Cache cache, MeterRegistry registry) {
        this.cache = cache.as(CaffeineCache.class);
        Gauge.builder("triage.incident.cache.size", this, LastKnownGood::size)
                .description("Incidents held as last-known-good copies").register(registry);
    }

    public Incident remember(Incident incident) {
        cache.put(incident.id(), CompletableFuture.completedFuture(incident));
        return incident;
    }

    public Optional<Incident> recall(UUID id) {
        CompletableFuture<Object> entry = cache.getIfPresent(id);
        return entry == null ? Optional.empty() : Optional.ofNullable((Incident) entry.getNow(null));
    }

    public long size() {
        return cache.keySet().size();
    }
}
