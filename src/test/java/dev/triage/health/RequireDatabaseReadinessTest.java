package dev.triage.health;

import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.triage.support.UnreachableDatabase;
import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With triage.readiness.require-database=true, a pod without its database is not ready (but live). */
@QuarkusTest
@TestProfile(RequireDatabaseReadinessTest.Strict.class)
class RequireDatabaseReadinessTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(UnreachableDatabase.config());
            config.put("triage.readiness.require-database", "true");
            return config;
        }
    }

    @Test
    void readinessIsDownWhileLivenessStaysUp() {
        Api.management().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'triage' }.data.mode", equalTo("degraded"))
                .body("checks.find { it.name == 'triage' }.data.requireDatabase", equalTo(true));
        Api.management().get("/q/health/live").then().statusCode(200);
        Api.management().get("/q/health/started").then().statusCode(200);
    }
}
