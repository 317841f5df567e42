package dev.triage.resilience;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service starts, is live and renders prompts while its database has never been reachable;
 * everything that needs the database answers 503 problem+json naming the cause.
 */
@QuarkusTest
@TestProfile(DatabaseNeverReachableTest.NothingListening.class)
class DatabaseNeverReachableTest {

    /** Port 1 on loopback: nothing listens there, so every connection is refused. */
    public static class NothingListening implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/triage",
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/triage",
                    "quarkus.datasource.username", "triage", "quarkus.datasource.password", "unused");
        }
    }

    @Test
    void livenessAndPromptsWorkWithoutADatabase() {
        given().get("/q/health/live").then().statusCode(200);
        given().contentType("application/json").body(Api.seedContext()).post("/api/v1/prompts").then()
                .statusCode(200).contentType(startsWith("text/markdown"))
                .body(containsString("### 3. Common Root Causes"));
    }

    @Test
    void thePlaybookCatalogueComesFromMemory() {
        given().get("/api/v1/playbooks").then().statusCode(200)
                .header("Triage-Data-Source", "cache")
                .body("size()", greaterThanOrEqualTo(9));
    }

    @Test
    void everythingElseIsA503NamingTheCause() {
        // Until the first migration attempt has failed, the cause is not known yet: migration-pending.
        long deadline = System.nanoTime() + 15_000_000_000L;
        String category = null;
        while (System.nanoTime() < deadline && !"service-down".equals(category)) {
            category = given().get("/api/v1/incidents").then().statusCode(503).extract().path("category");
            Api.sleepQuietly(100);
        }
        given().contentType("application/json").body(Map.of("issueDescription", "x")).post("/api/v1/incidents")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("category", equalTo("service-down"))
                .body("requestId", notNullValue());
        given().get("/api/v1/incidents").then().statusCode(503).body("category", equalTo("service-down"));
        given().get("/api/v1/incidents/" + UUID.randomUUID()).then().statusCode(503)
                .body("category", equalTo("service-down"));
    }
}
