package dev.triage.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every role on every endpoint, allowed and refused; the shape of 401 and 403; authentication
 * before validation.
 */
@QuarkusTest
class RolesTest {

    private static final String READER = "reader";
    private static final String WRITER = "writer";
    private static final String ADMIN = "admin";
    private static final String ALERTS = "alert-sender";
    private static final Map<String, String> TOKENS = Map.of(READER, Api.READER_TOKEN, WRITER, Api.WRITER_TOKEN,
            ADMIN, Api.ADMIN_TOKEN, ALERTS, Api.ALERT_TOKEN);

    /** One endpoint: how to call it (with a given request) and the roles that may. */
    record Endpoint(String name, Set<String> allowed, java.util.function.Function<RequestSpecification, Response> call) {
    }

    private String incidentId;

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
        incidentId = Api.createIncident(Map.of("issueDescription", "role matrix")).then().statusCode(201)
                .extract().path("id");
    }

    private List<Endpoint> endpoints() {
        Set<String> readers = Set.of(READER, WRITER, ADMIN);
        Set<String> writers = Set.of(WRITER, ADMIN);
        Set<String> admins = Set.of(ADMIN);
        String playbook = "/api/v1/playbooks/role-matrix-" + UUID.randomUUID().toString().substring(0, 8);
        String alerts = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":"
                + "{\"alertname\":\"RoleMatrix\"},\"startsAt\":\"2026-11-26T10:00:00Z\",\"fingerprint\":\"rolematrix\"}]}";
        return List.of(
                new Endpoint("GET /incidents", readers, r -> r.get("/api/v1/incidents?limit=1")),
                new Endpoint("GET /incidents/{id}", readers, r -> r.get("/api/v1/incidents/" + incidentId)),
                new Endpoint("GET /incidents/{id}/prompt", readers, r -> r.get("/api/v1/incidents/" + incidentId + "/prompt")),
                new Endpoint("POST /incidents", writers, r -> r.contentType(ContentType.JSON)
                        .body(Map.of("issueDescription", "role matrix write")).post("/api/v1/incidents")),
                new Endpoint("PATCH /incidents/{id}", writers, r -> r.contentType(ContentType.JSON).header("If-Match", "*")
                        .body(Map.of("notes", "role matrix")).patch("/api/v1/incidents/" + incidentId)),
                new Endpoint("POST /prompts", readers, r -> r.contentType(ContentType.JSON).body(Api.seedContext())
                        .post("/api/v1/prompts")),
                new Endpoint("GET /playbooks", readers, r -> r.get("/api/v1/playbooks")),
                new Endpoint("PUT /playbooks/{id}", admins, r -> r.contentType(ContentType.JSON).body(playbook())
                        .put(playbook)),
                new Endpoint("DELETE /playbooks/{id}", admins, r -> r.delete(playbook)),
                new Endpoint("GET /diagnostics", admins, r -> r.get("/api/v1/diagnostics")),
                new Endpoint("GET /diagnostics/prompt", admins, r -> r.get("/api/v1/diagnostics/prompt")),
                new Endpoint("GET /admin/maintenance", admins, r -> r.get("/api/v1/admin/maintenance")),
                new Endpoint("PUT /admin/maintenance", admins, r -> r.contentType(ContentType.JSON)
                        .body(Map.of("enabled", false)).put("/api/v1/admin/maintenance")),
                new Endpoint("POST /admin/circuit-breakers/{name}/reset", admins,
                        r -> r.post("/api/v1/admin/circuit-breakers/database/reset")),
                new Endpoint("POST /alerts/alertmanager", Set.of(ALERTS), r -> r.contentType(ContentType.JSON)
                        .body(alerts).post("/api/v1/alerts/alertmanager")));
    }

    @Test
    void everyRoleOnEveryEndpoint() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Endpoint endpoint : endpoints()) {
            for (String role : TOKENS.keySet()) {
                Response response = endpoint.call().apply(Api.as(TOKENS.get(role)));
                int status = response.statusCode();
                checked++;
                if (endpoint.allowed().contains(role)) {
                    if (status == 401 || status == 403 || status >= 500) {
                        wrong.add(endpoint.name() + " as " + role + ": " + status + " (should be allowed)");
                    }
                } else if (status != 403 || !response.contentType().startsWith(Problem.MEDIA_TYPE)
                        || !"urn:triage:problem:forbidden".equals(response.path("type"))) {
                    wrong.add(endpoint.name() + " as " + role + ": " + status + " " + response.contentType()
                            + " (should be a 403 problem)");
                }
            }
            Response anonymous = endpoint.call().apply(given());
            checked++;
            if (anonymous.statusCode() != 401 || anonymous.header("WWW-Authenticate") == null
                    || !anonymous.header("WWW-Authenticate").startsWith("Bearer")
                    || !anonymous.contentType().startsWith(Problem.MEDIA_TYPE)) {
                wrong.add(endpoint.name() + " without a token: " + anonymous.statusCode() + " "
                        + anonymous.header("WWW-Authenticate") + " (should be 401 with WWW-Authenticate: Bearer)");
            }
        }
        assertTrue(wrong.isEmpty(), checked + " calls, wrong:\n" + String.join("\n", wrong));
        assertTrue(checked == 15 * 5, "every endpoint x (4 roles + none): " + checked);
    }

    @Test
    void refusalsAreProblemsWithARequestId() {
        given().header("X-Request-Id", "auth-1").get("/api/v1/incidents").then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"triage\""))
                .body("type", equalTo("urn:triage:problem:unauthorized"))
                .body("status", equalTo(401))
                .body("requestId", equalTo("auth-1"))
                .body("instance", equalTo("/api/v1/incidents"))
                .body("detail", containsString("Authorization: Bearer"));
        Api.as("not-a-known-token-at-all").header("X-Request-Id", "auth-2").get("/api/v1/incidents").then()
                .statusCode(401).contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("requestId", equalTo("auth-2"))
                .body("detail", containsString("not valid"));
        Api.reader().header("X-Request-Id", "auth-3").get("/api/v1/diagnostics").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:triage:problem:forbidden"))
                .body("requestId", equalTo("auth-3"))
                .body("detail", containsString("roles reader"));
        // Other schemes are not bearer tokens.
        given().header("Authorization", "Basic dGVzdDp0ZXN0").get("/api/v1/incidents").then().statusCode(401);
        given().header("Authorization", "Bearer").get("/api/v1/incidents").then().statusCode(401);
    }

    @Test
    void authenticationRunsBeforeValidation() {
        // Invalid bodies: neither a caller without a token nor one without the role learns the schema.
        for (int refused : new int[] { 401, 403 }) {
            Supplier<RequestSpecification> caller = refused == 401 ? () -> given() : Api::reader;
            caller.get().contentType(ContentType.JSON).body("{}").post("/api/v1/incidents").then()
                    .statusCode(refused).body("errors", nullValue());
            caller.get().contentType(ContentType.JSON).body("{\"issueDescription\": ").post("/api/v1/incidents").then()
                    .statusCode(refused).body("errors", nullValue());
            caller.get().contentType(ContentType.JSON).body(Map.of("enabled", true)).put("/api/v1/admin/maintenance")
                    .then().statusCode(refused).body("errors", nullValue());
            caller.get().contentType(ContentType.JSON).body("{\"title\": 5}").put("/api/v1/playbooks/BAD_ID")
                    .then().statusCode(refused).body("errors", nullValue());
            caller.get().contentType(ContentType.JSON).body("{\"version\":\"4\"}").post("/api/v1/alerts/alertmanager")
                    .then().statusCode(refused).body("errors", nullValue());
        }
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/prompts").then().statusCode(401)
                .body("errors", nullValue());
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        Api.management().get("/q/health/live").then().statusCode(200);
        Api.management().get("/q/health/ready").then().statusCode(200);
        Api.management().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200);
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes", notNullValue());
        // A stray or wrong token on a probe does not fail it (authentication is not proactive).
        Api.management().auth().oauth2("not-a-known-token-at-all").get("/q/health/live").then().statusCode(200);
    }

    private static Map<String, Object> playbook() {
        return Map.of("position", 99, "title", "Role matrix", "category", "query", "symptom", "none",
                "match", Map.of("sqlstates", List.of(), "exceptions", List.of(), "keywords", List.of("rolematrix")),
                "solutions", List.of("none"), "prevention", "none", "commands", Map.of());
    }
}
