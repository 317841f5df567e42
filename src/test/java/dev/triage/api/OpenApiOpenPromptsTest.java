package dev.triage.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.triage.support.Api;
import dev.triage.support.ApiOperations;
import dev.triage.support.OpenApiDocument;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;

/**
 * The document follows the configuration in force: with triage.auth.prompts-require-token=false
 * (SecurityProfile), POST /api/v1/prompts has no security requirement and no 401/403, and the
 * whole document still agrees with the code. The small rate limits of this profile prove the 429.
 */
@QuarkusTest
@TestProfile(SecurityProfile.class)
class OpenApiOpenPromptsTest {

    @Test
    void openPromptsAreDocumentedAsOpen() {
        OpenApiDocument document = OpenApiDocument.served();
        JsonNode prompts = document.apiOperations().get("POST /api/v1/prompts");
        assertNull(OpenApiDocument.roles(prompts), "POST /api/v1/prompts is open: no security requirement");
        assertTrue(!OpenApiDocument.statuses(prompts).contains(401) && !OpenApiDocument.statuses(prompts).contains(403),
                () -> "declares " + OpenApiDocument.statuses(prompts));
        List<String> disagreements = document.disagreements(ApiOperations.all());
        assertTrue(disagreements.isEmpty(), () -> String.join("\n", disagreements));
        given().contentType("application/json").body("{\"issueDescription\": \"open\"}").post("/api/v1/prompts").then()
                .statusCode(200);
    }

    @Test
    void aCallerOverItsRateGetsTheDeclared429() {
        Api.awaitMigrations();
        // A caller of its own (a JWT subject), so no other test's bucket is touched.
        String token = Jwt.issuer(SecurityProfile.ISSUER).subject("openapi-" + UUID.randomUUID()).groups("writer").jws()
                .keyId(SecurityProfile.KEY_ID).sign(SecurityProfile.privateKey());
        Response limited = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            Response response = Api.as(token).contentType("application/json").body("{\"issueDescription\": \"rate\"}")
                    .post("/api/v1/incidents");
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertTrue(limited != null, "no 429 within 10 writes (burst 3)");
        assertTrue(limited.contentType().startsWith("application/problem+json"));
        assertTrue(limited.header("Retry-After") != null);
        JsonNode create = OpenApiDocument.served().apiOperations().get("POST /api/v1/incidents");
        assertTrue(OpenApiDocument.statuses(create).contains(429), "429 is declared");
        assertEquals("TooManyRequests", create.path("responses").path("429").path("$ref").asText()
                .replace("#/components/responses/", ""));
    }
}
