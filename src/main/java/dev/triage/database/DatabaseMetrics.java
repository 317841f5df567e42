package dev.triage.database;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Database metrics: operation latency by operation and outcome, failures by category (every
 * failed attempt, retries included), and fallbacks by outcome.
 */
@ApplicationScoped
public class DatabaseMetrics {

    private final MeterRegistry registry;
    private final Map<FailureCategory, Counter> failures = new EnumMap<>(FailureCategory.class);
    /** Built once per (operation, outcome): building a meter per call sorts tags and looks it up on every request. */
    private final Map<String, Timer> operations = new ConcurrentHashMap<>();
    private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();

    public DatabaseMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (FailureCategory category : FailureCategory.values()) {
            failures.put(category, Counter.builder("triage.database.failures").tag("category", category.id())
                    .description("Failed database attempts by failure category").register(registry));
        }
    }

    public void failed(FailureCategory category) {
        failures.get(category).increment();
    }

    public void operation(String operation, String outcome, Duration took) {
        operations.computeIfAbsent(operation + '|' + outcome, key -> Timer.builder("triage.database.operation")
                .tag("operation", operation).tag("outcome", outcome)
                .description("Database operations as callers see them, retries included")
                // Buckets up to 5 s, not the default 30 s: no operation outlives its 3 s budget.
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry)).record(took);
    }

    /**
     * A statement replayed on a fresh connection after its pooled session was lost; outcome:
     * succeeded, failed, or skipped (too many replays at once).
     */
    public void replay(String outcome) {
        fallbacks.computeIfAbsent("replay|" + outcome, key -> Counter.builder("triage.database.session.replays")
                .tag("outcome", outcome)
                .description("Statements replayed on a fresh connection after their pooled session was lost")
                .register(registry)).increment();
    }

    /** outcome: cache, prompt-catalogue or unavailable. */
    public void fallback(String outcome) {
        fallbacks.computeIfAbsent(outcome, key -> Counter.builder("triage.fallbacks").tag("outcome", outcome)
                .description("Requests answered without the database, by how").register(registry)).increment();
    }
}
