package dev.triage.incident;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.triage.prompt.IncidentContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;

/** The last-known-good copies: bounded by memory, cheap on the hot path. */
class LastKnownGoodTest {

    private static LastKnownGood cache(long maxBytes) {
        return new LastKnownGood(new IncidentCacheConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public MemorySize maxSize() {
                return new MemorySize(java.math.BigInteger.valueOf(maxBytes));
            }
        }, new SimpleMeterRegistry());
    }

    private static Incident incident(UUID id, int version, String logExcerpt) {
        IncidentContext context = new IncidentContext("checkout times out", null, null, null, null, true, true, null,
                null, Map.of(), logExcerpt).withDefaults();
        OffsetDateTime now = OffsetDateTime.now();
        return new Incident(id, IncidentStatus.OPEN, null, context, version, now, now, "hash");
    }

    @Test
    void largeIncidentsAreBoundedByMemoryNotByCount() {
        long limit = 2 * 1024 * 1024;
        LastKnownGood cache = cache(limit);
        String fullExcerpt = "x".repeat(16_000); // the largest log excerpt a context may carry
        for (int i = 0; i < 200; i++) { // ~6.5 MB of incidents
            cache.remember(incident(UUID.randomUUID(), 1, fullExcerpt));
        }
        long held = cache.size();
        assertTrue(held < 200, "the largest incidents are evicted by weight, held " + held);
        assertTrue(held * LastKnownGood.weigh(incident(UUID.randomUUID(), 1, fullExcerpt)) <= limit,
                "what is held fits the limit: " + held + " incidents");
        assertTrue(held > 20, "the limit is used, not wasted: " + held + " incidents");
    }

    @Test
    void readingAnUnchangedIncidentDoesNotWriteTheCacheAgain() {
        LastKnownGood cache = cache(1024 * 1024);
        UUID id = UUID.randomUUID();
        Incident first = incident(id, 1, null);
        cache.remember(first);
        cache.remember(incident(id, 1, null)); // the same row read again
        assertSame(first, cache.recall(id).orElseThrow(), "same version: the held copy stays");
        Incident changed = incident(id, 2, null);
        cache.remember(changed);
        assertSame(changed, cache.recall(id).orElseThrow(), "a new version replaces it");
    }

    @Test
    void noThreadIsStartedPerCacheWrite() {
        LastKnownGood cache = cache(1024 * 1024);
        var threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();
        UUID id = UUID.randomUUID();
        for (int version = 0; version < 10_000; version++) {
            cache.remember(incident(version % 2 == 0 ? id : UUID.randomUUID(), version, null));
        }
        long started = threads.getTotalStartedThreadCount() - before;
        // Caffeine's default executor (the common pool) starts a thread per task on <= 2 CPUs.
        assertTrue(started < 20, started + " threads started for 10,000 cache writes");
        assertTrue(cache.size() > 0, "the writes were kept");
    }
}
