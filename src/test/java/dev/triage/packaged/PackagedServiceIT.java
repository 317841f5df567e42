package dev.triage.packaged;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/**
 * The packaged artifact, as it ships: the runner jar here, the native executable in
 * .github/workflows/native.yml (./mvnw verify -Dnative). Prod profile against a real PostgreSQL;
 * health and metrics on the management port, the API alone on the API port; a prompt, and an
 * incident written and read back through the database (what a native image most often breaks:
 * reflection for JSON, resources, the database driver, TLS-free connection setup).
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedDatabase.class)
class PackagedServiceIT {

    @Test
    void healthAndMetricsOnTheManagementPortOnly() {
        awaitDatabaseUp();
        given().port(PackagedDatabase.managementPort).get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"));
        given().port(PackagedDatabase.managementPort).get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("triage"));
        given().port(PackagedDatabase.managementPort).accept("text/plain; version=0.0.4").get("/q/metrics").then()
                .statusCode(200).body(containsString("triage_database_up 1.0"))
                .body(containsString("sql_pool_active{pool_name=\"triage\""));
        given().get("/q/health/live").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void theApiNeedsAToken() {
        given().get("/api/v1/incidents?limit=1").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
    }

    @Test
    void aPromptFromThePackagedCatalogue() {
        api().contentType(ContentType.JSON).accept("text/markdown")
                .body(Map.of("issueDescription", "API returning 500 errors",
                        "errorMessage", "FATAL: sorry, too many clients already (53300)", "language", "java"))
                .post("/api/v1/prompts").then().statusCode(200)
                .body(containsString("too many"));
    }

    @Test
    void anIncidentIsStoredAndReadBack() {
        awaitMigrations();
        String location = api().contentType(ContentType.JSON)
                .body(Map.of("issueDescription", "packaged artifact", "urgency", "high"))
                .post("/api/v1/incidents").then().statusCode(201).extract().header("Location");
        assertTrue(location != null && location.contains("/api/v1/incidents/"), "Location: " + location);
        api().accept(ContentType.JSON).get(location).then().statusCode(200)
                .body("issueDescription", equalTo("packaged artifact"));
    }

    private static void awaitMigrations() {
        await(() -> api().get("/api/v1/incidents?limit=1").statusCode() == 200, "migrations");
    }

    private static io.restassured.specification.RequestSpecification api() {
        return given().auth().oauth2(PackagedDatabase.TOKEN);
    }

    private static void awaitDatabaseUp() {
        await(() -> "UP".equals(given().port(PackagedDatabase.managementPort).get("/q/health/group/database")
                .then().extract().path("checks[0].data.database")), "the database probe");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError(what + " not ready within 60 s");
    }
}
