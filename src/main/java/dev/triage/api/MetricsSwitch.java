package dev.triage.api;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.config.MeterFilter;

/**
 * triage.metrics.enabled=false denies Triage's own meters (triage_*), so that the benchmark can
 * measure what they cost on the hot path. Micrometer's own switches are fixed at build time.
 */
public class MetricsSwitch {

    @Produces
    @Singleton
    MeterFilter triageMeters(@ConfigProperty(name = "triage.metrics.enabled", defaultValue = "true") boolean enabled) {
        return enabled ? MeterFilter.accept() : MeterFilter.denyNameStartsWith("triage.");
    }
}
