package dev.triage.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** /q/health/started: UP once the service can answer; it does not wait for the database. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    private final ReadinessPolicy policy;

    public StartedCheck(ReadinessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("started").status(policy.started()).build();
    }
}
