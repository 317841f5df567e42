package dev.triage.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class AdminApiTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void maintenanceModePausesWritesButNotReadsOrPrompts() {
        String id = Api.createIncident(Map.of("issueDescription", "before maintenance")).then().statusCode(201)
                .extract().path("id");
        try {
            admin().body(Map.of("enabled", true, "reason", "database upgrade", "retryAfterSeconds", 120))
                    .put("/api/v1/admin/maintenance").then().statusCode(200)
                    .body("enabled", equalTo(true)).body("reason", equalTo("database upgrade"));
            Api.createIncident(Map.of("issueDescription", "during maintenance")).then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "120")
                    .body("type", equalTo("urn:triage:problem:maintenance"))
                    .body("detail", containsString("database upgrade"));
            Api.reader().get("/api/v1/incidents/" + id).then().statusCode(200);
            Api.reader().get("/api/v1/incidents?limit=1").then().statusCode(200);
            Api.reader().contentType(ContentType.JSON).body(Api.seedContext()).post("/api/v1/prompts").then().statusCode(200);
            admin().get("/api/v1/admin/maintenance").then().statusCode(200).body("enabled", equalTo(true))
                    .body("since", notNullValue());
        } finally {
            admin().body(Map.of("enabled", false)).put("/api/v1/admin/maintenance").then().statusCode(200)
                    .body("enabled", equalTo(false));
        }
        Api.createIncident(Map.of("issueDescription", "after maintenance")).then().statusCode(201);
    }

    @Test
    void switchingMaintenanceOnNeedsAReasonAndTheToken() {
        admin().body(Map.of("enabled", true)).put("/api/v1/admin/maintenance").then().statusCode(400)
                .body("errors[0].field", equalTo("reason"));
        admin().body(Map.of("enabled", true, "reason", "x", "retryAfterSeconds", 0)).put("/api/v1/admin/maintenance")
                .then().statusCode(400).body("errors[0].field", equalTo("retryAfterSeconds"));
        given().contentType(ContentType.JSON).body(Map.of("enabled", true, "reason", "x"))
                .put("/api/v1/admin/maintenance").then().statusCode(401);
        given().get("/api/v1/admin/maintenance").then().statusCode(401);
        Api.writer().contentType(ContentType.JSON).body(Map.of("enabled", true, "reason", "x"))
                .put("/api/v1/admin/maintenance").then().statusCode(403);
    }

    @Test
    void anAdminCanResetTheDatabaseBreaker() {
        admin().post("/api/v1/admin/circuit-breakers/database/reset").then().statusCode(200)
                .body("name", equalTo("database")).body("state", equalTo("closed"));
        admin().post("/api/v1/admin/circuit-breakers/nope/reset").then().statusCode(404)
                .contentType("application/problem+json");
        given().post("/api/v1/admin/circuit-breakers/database/reset").then().statusCode(401);
    }

    private static RequestSpecification admin() {
        return Api.admin().contentType(ContentType.JSON).accept(ContentType.JSON);
    }
}
