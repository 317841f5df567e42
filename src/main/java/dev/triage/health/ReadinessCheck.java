package dev.triage.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** /q/health/ready: the {@link ReadinessPolicy}, with the database facts in its data. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final ReadinessPolicy policy;

    public ReadinessCheck(ReadinessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public HealthCheckResponse call() {
        ReadinessPolicy.Decision decision = policy.decide();
        return HealthData.database(HealthCheckResponse.named("triage").status(decision.ready()), decision.database())
                .withData("mode", decision.mode())
                .withData("requireDatabase", policy.requireDatabase())
                .build();
    }
}
