package dev.triage.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Per-caller limits (SecurityProfile: writes 6 per minute in bursts of 3, alerts bursts of 2). */
@QuarkusTest
@TestProfile(SecurityProfile.class)
class RateLimitTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void aCallerOverItsWriteRateGets429WhileOthersGoOn() {
        int created = 0;
        Response refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            Response r = Api.writer().contentType(ContentType.JSON).body(Map.of("issueDescription", "burst " + i))
                    .post("/api/v1/incidents");
            if (r.statusCode() == 201) {
                created++;
            } else {
                refused = r;
            }
        }
        assertEquals(3, created, "the burst");
        assertTrue(refused != null && refused.statusCode() == 429, "then 429");
        refused.then().contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:triage:problem:rate-limited"))
                .body("detail", containsString("6 writes per minute (bursts of 3)"))
                .body("requestId", org.hamcrest.Matchers.notNullValue());
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 10, "Retry-After " + retryAfter);
        // PATCH counts as a write, and an invalid body is refused before it is validated.
        Api.writer().contentType(ContentType.JSON).body("{}").post("/api/v1/incidents").then().statusCode(429);
        // Reads are not limited, and another caller has its own bucket.
        Api.writer().get("/api/v1/incidents?limit=1").then().statusCode(200);
        Api.admin().contentType(ContentType.JSON).body(Map.of("issueDescription", "another caller"))
                .post("/api/v1/incidents").then().statusCode(201);
    }

    @Test
    void theWebhookIsLimitedPerSender() {
        String body = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]}";
        Api.alertSender().contentType(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager").then().statusCode(200);
        Api.alertSender().contentType(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager").then().statusCode(200);
        Api.alertSender().contentType(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager").then()
                .statusCode(429).contentType(Problem.MEDIA_TYPE).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("detail", containsString("alerts per minute"));
    }
}
