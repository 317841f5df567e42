package dev.triage.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OpenApiTest {

    @Test
    void everyEndpointAndItsProblemsAreDescribed() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/incidents"))
                .body("paths", hasKey("/api/v1/incidents/{id}"))
                .body("paths", hasKey("/api/v1/incidents/{id}/prompt"))
                .body("paths", hasKey("/api/v1/prompts"))
                .body("paths", hasKey("/api/v1/playbooks"))
                .body("paths", hasKey("/api/v1/playbooks/{id}"))
                .body("paths.'/api/v1/incidents'.post.responses.'201'", notNullValue())
                .body("paths.'/api/v1/incidents'.post.responses.'400'.content.'application/problem+json'", notNullValue())
                .body("paths.'/api/v1/incidents'.post.responses.'503'.content.'application/problem+json'", notNullValue())
                .body("paths.'/api/v1/incidents/{id}'.patch.responses.'412'", notNullValue())
                .body("paths.'/api/v1/incidents'.post.responses.'401'.content.'application/problem+json'", notNullValue())
                .body("paths.'/api/v1/incidents'.post.responses.'403'.content.'application/problem+json'", notNullValue())
                .body("paths.'/api/v1/incidents'.post.responses.'429'", notNullValue())
                .body("paths.'/api/v1/incidents'.post.security[0].SecurityScheme", hasItems("writer", "admin"))
                .body("paths.'/api/v1/alerts/alertmanager'.post.responses.'413'", notNullValue())
                .body("components.schemas", hasKey("Problem"))
                .body("components.schemas", hasKey("IncidentContext"));
    }
}
