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
import dev.triage.support.UnreachableDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The service starts, is live and renders prompts while its database has never been reachable;
 * everything that needs the database answers 503 problem+json naming the cause.
 */
@QuarkusTest
@TestProfile(UnreachableDatabase.class)
class DatabaseNeverReachableTest {

    @Test
    void livenessAndPromptsWorkWithoutADatabase() {
        dev.triage.support.Api.management().get("/q/health/live").then().statusCode(200);
        Api.reader().contentType("application/json").body(Api.seedContext()).post("/api/v1/prompts").then()
                .statusCode(200).contentType(startsWith("text/markdown"))
                .body(containsString("### 3. Common Root Causes"));
    }

    @Test
    void readinessStaysUpDegradedAndTheDatabaseGroupIsDown() {
        dev.triage.support.Api.management().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'triage' }.data.mode", equalTo("degraded"))
                .body("checks.find { it.name == 'triage' }.data.database", equalTo("DOWN"));
        dev.triage.support.Api.management().get("/q/health/group/database").then().statusCode(503).body("status", equalTo("DOWN"));
    }

    @Test
    void diagnosticsNameTheRefusedConnection() {
        Api.admin().get("/api/v1/diagnostics").then().statusCode(200)
                .body("steps.find { it.name == 'tcp-connect' }.outcome", equalTo("failed"))
                .body("steps.find { it.name == 'tcp-connect' }.category", equalTo("service-down"))
                .body("steps.find { it.name == 'login' }.outcome", equalTo("skipped"))
                .body("likelyRootCause.category", equalTo("service-down"))
                .body("likelyRootCause.playbookId", equalTo("service-down"));
        Api.admin().get("/api/v1/diagnostics/prompt").then().statusCode(200)
                .body(containsString("#### A. Database Service Down"))
                .body(containsString("127.0.0.1:1/triage"))
                .body(containsString("**Urgency**: critical"));
    }

    @Test
    void alertsAreRefusedWith503SoAlertmanagerRetries() {
        Api.alertSender().contentType("application/json").body("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":"
                + "[{\"status\":\"firing\",\"labels\":{\"alertname\":\"X\"},\"fingerprint\":\"abc\"}]}")
                .post("/api/v1/alerts/alertmanager").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", notNullValue());
    }

    @Test
    void thePlaybookCatalogueComesFromMemory() {
        Api.reader().get("/api/v1/playbooks").then().statusCode(200)
                .header("Triage-Data-Source", "cache")
                .body("size()", greaterThanOrEqualTo(9));
    }

    @Test
    void everythingElseIsA503NamingTheCause() {
        // Until the first migration attempt has failed, the cause is not known yet: migration-pending.
        long deadline = System.nanoTime() + 15_000_000_000L;
        String category = null;
        while (System.nanoTime() < deadline && !"service-down".equals(category)) {
            category = Api.reader().get("/api/v1/incidents").then().statusCode(503).extract().path("category");
            Api.sleepQuietly(100);
        }
        Api.writer().contentType("application/json").body(Map.of("issueDescription", "x")).post("/api/v1/incidents")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("category", equalTo("service-down"))
                .body("requestId", notNullValue());
        Api.reader().get("/api/v1/incidents").then().statusCode(503).body("category", equalTo("service-down"));
        Api.reader().get("/api/v1/incidents/" + UUID.randomUUID()).then().statusCode(503)
                .body("category", equalTo("service-down"));
    }
}
