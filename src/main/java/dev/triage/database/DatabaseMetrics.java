package dev.triage.database;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

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
        Timer.builder("triage.database.operation").tag("operation", operation).tag("outcome", outcome)
                .description("Database operations as callers see them, retries included")
                .publishPercentileHistogram()
                .register(registry).record(took);
    }

    /** outcome: cache, prompt-catalogue or unavailable. */
    public void fallback(String outcome) {
        Counter.builder("triage.fallbacks").tag("outcome", outcome)
                .description("Requests answered without the database, by how").register(registry).increment();
    }
}
