package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.triage.support.Api;
import dev.triage.support.ApiOperations;
import dev.triage.support.ApiOperations.Operation;
import dev.triage.support.OpenApiDocument;
import dev.triage.support.UnreachableDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The database's 503, live: with a database that has never been reachable, a valid request to
 * every operation answers 503 (problem+json, a category, Retry-After) exactly where the OpenAPI
 * document declares 503, and anything else where it does not (prompts, the catalogue from memory,
 * diagnostics, the admin controls that never touch the database).
 */
@QuarkusTest
@TestProfile(UnreachableDatabase.class)
class OpenApiDatabaseDownTest {

    /** A valid request body per operation that has one (a new operation must add its own). */
    private static final Map<String, String> BODIES = Map.of(
            "PUT /api/v1/admin/maintenance", "{\"enabled\": false}",
            "POST /api/v1/alerts/alertmanager", "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":"
                    + "\"firing\",\"labels\":{\"alertname\":\"OpenApiContract\"},\"startsAt\":\"2026-11-26T10:00:00Z\","
                    + "\"fingerprint\":\"openapicontract\"}]}",
            "POST /api/v1/incidents", "{\"issueDescription\": \"openapi contract\"}",
            "PATCH /api/v1/incidents/{id}", "{\"notes\": \"openapi contract\"}",
            "PUT /api/v1/playbooks/{id}", "{\"position\": 99, \"title\": \"OpenAPI contract\", \"category\": \"query\","
                    + " \"symptom\": \"s\", \"match\": {\"sqlstates\": [], \"exceptions\": [], \"keywords\": [\"contract\"]},"
                    + " \"solutions\": [\"s\"], \"prevention\": \"p\", \"commands\": {\"postgresql\": [\"psql\"]}}",
            "POST /api/v1/prompts", "{\"issueDescription\": \"openapi contract\"}");
    /** Path parameters: an existing breaker; ids nothing could have stored. */
    private static final Map<String, String> PATH_VALUES = Map.of("{name}", "database", "{id}", UUID.randomUUID().toString());

    @Test
    void exactlyTheOperationsThatDeclare503AnswerItWhileTheDatabaseIsDown() {
        OpenApiDocument document = OpenApiDocument.served();
        List<String> wrong = new ArrayList<>();
        int unavailable = 0;
        for (Operation operation : ApiOperations.all()) {
            JsonNode declared = document.apiOperations().get(operation.key());
            boolean declares503 = declared != null && OpenApiDocument.statuses(declared).contains(503);
            Response response = valid(operation).request(operation.method(), path(operation));
            int status = response.statusCode();
            if (status == 503) {
                unavailable++;
                if (!declares503) {
                    wrong.add(operation + " answered 503, which it does not declare");
                } else if (response.header("Retry-After") == null || response.jsonPath().getString("category") == null
                        || !response.contentType().startsWith("application/problem+json")) {
                    wrong.add(operation + " answered a 503 without problem+json, category and Retry-After: "
                            + response.headers() + " " + response.asString());
                }
            } else if (declares503) {
                wrong.add(operation + " declares 503 but answered " + status + " with the database down");
            } else if (status >= 400) {
                wrong.add(operation + " answered " + status + " to a valid request: " + response.asString());
            }
        }
        int answered = unavailable;
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
        assertTrue(answered >= 5, () -> "only " + answered + " operations answered 503: is the database really down?");
    }

    private static RequestSpecification valid(Operation operation) {
        String token = OpenApiContractTest.token(operation);
        RequestSpecification request = token == null ? io.restassured.RestAssured.given() : Api.as(token);
        request.accept(operation.produces().isEmpty() ? "*/*" : operation.produces().iterator().next());
        if (operation.body()) {
            String body = BODIES.get(operation.key());
            if (body == null) {
                throw new AssertionError("add a valid request body for " + operation + " to OpenApiDatabaseDownTest.BODIES");
            }
            request.contentType(operation.consumes().iterator().next()).body(body).header("If-Match", "\"1\"");
        }
        return request;
    }

    private static String path(Operation operation) {
        String path = operation.path();
        for (Map.Entry<String, String> value : PATH_VALUES.entrySet()) {
            path = path.replace(value.getKey(), value.getValue());
        }
        return path;
    }
}
