package dev.triage.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void livenessStartupAndReadinessAreUpWithTheDatabaseFacts() {
        Api.management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Api.management().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        awaitDatabaseUp();
        Api.management().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("triage"))
                .body("checks.find { it.name == 'triage' }.data.mode", equalTo("ok"))
                .body("checks.find { it.name == 'triage' }.data.database", equalTo("UP"))
                .body("checks.find { it.name == 'triage' }.data.breaker", equalTo("closed"))
                .body("checks.find { it.name == 'triage' }.data.poolMax", equalTo(20))
                .body("checks.find { it.name == 'triage' }.data.migrations", equalTo("applied"));
        Api.management().get("/q/health/group/database").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("database"));
    }

    @Test
    void healthNeverShowsThePassword() {
        String password = ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
        for (String path : new String[] { "/q/health", "/q/health/ready", "/q/health/group/database", "/api/v1/diagnostics" }) {
            (path.startsWith("/q/") ? Api.management() : Api.admin()).get(path).then().statusCode(200)
                    .body(not(containsString(password)));
        }
    }

    @Test
    void healthAndMetricsAreServedOnTheManagementPortOnly() {
        org.junit.jupiter.api.Assertions.assertNotEquals(io.restassured.RestAssured.port, Api.managementPort(),
                "the API and the management interface share a port");
        for (String path : new String[] { "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics" }) {
            Api.management().get(path).then().statusCode(200);
            given().get(path).then().statusCode(404);
        }
        // The API stays on the API port: the management port serves health and metrics only.
        Api.reader().get("/api/v1/playbooks").then().statusCode(200);
        Api.management().get("/api/v1/playbooks").then().statusCode(404);
    }

    static void awaitDatabaseUp() {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            String database = Api.management().get("/q/health/group/database").then().extract()
                    .path("checks[0].data.database");
            if ("UP".equals(database)) {
                return;
            }
            Api.sleepQuietly(200);
        }
        throw new AssertionError("the database probe never reported UP");
    }
}
