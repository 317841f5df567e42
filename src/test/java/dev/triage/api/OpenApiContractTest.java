package dev.triage.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.triage.support.Api;
import dev.triage.support.ApiOperations;
import dev.triage.support.ApiOperations.Operation;
import dev.triage.support.OpenApiDocument;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The OpenAPI document against what the resources can actually answer. Each operation's
 * expected statuses are derived from its code ({@link ApiOperations}: annotations, configuration
 * and the statuses its code leads to); the document must declare exactly those. Then requests
 * that provoke each generic refusal are sent to every operation, and the answer must be one the
 * document declares for it. (The database's 503 is proven live by OpenApiDatabaseDownTest, the
 * rate limit's 429 and open prompts by OpenApiOpenPromptsTest.)
 */
@QuarkusTest
class OpenApiContractTest {

    static final Map<String, String> TOKENS = Map.of("reader", Api.READER_TOKEN, "writer", Api.WRITER_TOKEN,
            "admin", Api.ADMIN_TOKEN, "alert-sender", Api.ALERT_TOKEN);
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private static List<Operation> operations;
    private static OpenApiDocument document;

    @BeforeEach
    void read() {
        // Not in @BeforeAll: RestAssured knows the test port only once the instance runs.
        if (document == null) {
            operations = ApiOperations.all();
            document = OpenApiDocument.served();
        }
    }

    @Test
    void theDerivationSeesTheKnownFacts() {
        // Guards the derivation itself: if it stopped seeing through the code, "equal" would prove little.
        Map<String, Operation> byKey = new java.util.HashMap<>();
        operations.forEach(o -> byKey.put(o.key(), o));
        assertEquals(15, operations.size(), () -> "operations found: " + operations);
        assertEquals(Set.of(400, 401, 403, 404, 406, 409, 412, 413, 415, 428, 429, 500, 503),
                byKey.get("PATCH /api/v1/incidents/{id}").expectedErrors());
        assertEquals(Set.of(401, 403, 404, 406, 500), byKey.get("POST /api/v1/admin/circuit-breakers/{name}/reset").expectedErrors());
        assertFalse(byKey.get("GET /api/v1/playbooks").touchesDatabase(), "the catalogue falls back to memory");
        assertTrue(byKey.get("GET /api/v1/incidents/{id}").touchesDatabase(), "an uncached incident is a 503");
        assertTrue(byKey.get("PUT /api/v1/admin/maintenance").touchesDatabase(), "the switch is stored in PostgreSQL");
        assertFalse(byKey.get("GET /api/v1/admin/maintenance").touchesDatabase(), "the state is read from memory");
        assertTrue(byKey.get("POST /api/v1/alerts/alertmanager").reachable().contains(413), "too many alerts");
        assertEquals(List.of("admin", "reader", "writer"), new ArrayList<>(new TreeSet<>(byKey.get("POST /api/v1/prompts").roles())));
    }

    @Test
    void everyOperationDeclaresExactlyWhatItsCodeCanAnswer() {
        List<String> disagreements = document.disagreements(operations);
        assertTrue(disagreements.isEmpty(), () -> "The OpenAPI document and the code disagree:\n  "
                + String.join("\n  ", disagreements));
    }

    @Test
    void theDocumentDescribesTheApiAndItsSecurity() {
        JsonNode root = document.root();
        JsonNode scheme = root.path("components").path("securitySchemes").path(OpenApiDocument.SCHEME);
        assertEquals("http", scheme.path("type").asText());
        assertEquals("bearer", scheme.path("scheme").asText());
        assertTrue(root.path("components").path("schemas").has("Problem"));
        assertTrue(root.path("components").path("schemas").has("IncidentContext"));
        // The answers given before any operation is chosen are described once.
        String description = root.path("info").path("description").asText();
        for (String answer : List.of("400", "405", "413", "414", "431")) {
            assertTrue(description.contains(answer), () -> "info.description does not mention " + answer + ": " + description);
        }
        for (String response : List.of("MethodNotAllowed", "PayloadTooLarge", "UriTooLong", "HeadersTooLarge")) {
            assertTrue(root.path("components").path("responses").has(response), response);
        }
    }

    @Test
    void everyOperationRefusesAsItsDocumentSays() {
        List<String> wrong = new ArrayList<>();
        for (Operation operation : operations) {
            JsonNode declared = document.apiOperations().get(operation.key());
            String path = fill(operation.path(), "does-not-exist-0");
            // 406: nothing it produces is acceptable (checked before authentication).
            check(wrong, operation, declared, 406, "Accept: image/png",
                    request(operation, token(operation)).accept("image/png").request(operation.method(), path));
            if (operation.roles() != null) {
                check(wrong, operation, declared, 401, "no token",
                        request(operation, null).request(operation.method(), path));
                check(wrong, operation, declared, 403, "a token without the role",
                        request(operation, otherRole(operation)).request(operation.method(), path));
            }
            if (operation.body()) {
                check(wrong, operation, declared, 415, "Content-Type: text/plain",
                        withToken(token(operation)).contentType("text/plain").body("x").request(operation.method(), path));
                check(wrong, operation, declared, 413, "a body over 64 KiB",
                        request(operation, token(operation)).body("[" + "0,".repeat(40_000) + "0]")
                                .request(operation.method(), path));
                check(wrong, operation, declared, 400, "a malformed body",
                        request(operation, token(operation)).body("{").request(operation.method(), path));
            }
            for (String parameter : operation.queryParameters()) {
                check(wrong, operation, declared, 400, parameter + "=!",
                        request(operation, token(operation)).queryParam(parameter, "!").request(operation.method(), path));
            }
            if (path.contains("does-not-exist-0") && !operation.method().equals("PUT")) {
                // PUT creates what does not exist; everything else names a missing resource with 404.
                RequestSpecification unknown = request(operation, token(operation)).header("If-Match", "\"1\"");
                if (operation.body()) {
                    unknown.body("{\"notes\": \"openapi contract\"}");
                }
                check(wrong, operation, declared, 404, "an unknown id", unknown.request(operation.method(), path));
            }
        }
        assertTrue(wrong.isEmpty(), () -> "Answers that the document does not declare:\n  " + String.join("\n  ", wrong));
    }

    @Test
    void aMethodAPathDoesNotHaveIsA405ListingTheDocumentedMethods() {
        List<String> wrong = new ArrayList<>();
        Set<String> paths = new TreeSet<>();
        operations.forEach(o -> paths.add(o.path()));
        for (String template : paths) {
            Set<String> documented = document.methods(template);
            Set<String> allowed = new TreeSet<>(documented);
            allowed.add("OPTIONS");
            if (documented.contains("GET")) {
                allowed.add("HEAD");
            }
            for (String method : METHODS) {
                if (documented.contains(method)) {
                    continue;
                }
                Response response = Api.admin().request(method, fill(template, "database"));
                Set<String> allow = new TreeSet<>(Arrays.asList(String.valueOf(response.header("Allow")).split(",\\s*")));
                if (response.statusCode() != 405 || !allow.equals(allowed)
                        || !String.valueOf(response.contentType()).startsWith("application/problem+json")) {
                    wrong.add(method + " " + template + ": " + response.statusCode() + " Allow " + allow
                            + " (documented: " + allowed + ")");
                }
            }
        }
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
    }

    @Test
    void theTargetAndHeaderLimitsAreProblems() {
        Api.reader().get("/api/v1/incidents?cursor=" + "a".repeat(5000)).then().statusCode(414)
                .contentType("application/problem+json");
        Api.reader().header("X-Padding", "a".repeat(21 * 1024)).get("/api/v1/incidents").then().statusCode(431)
                .contentType("application/problem+json");
    }

    private static void check(List<String> wrong, Operation operation, JsonNode declared, int expected, String what,
            Response response) {
        int status = response.statusCode();
        if (status != expected) {
            wrong.add(operation + " with " + what + ": expected " + expected + ", got " + status + " " + response.asString());
        } else if (!OpenApiDocument.statuses(declared).contains(status)) {
            wrong.add(operation + " answers " + status + " to " + what + ", which it does not declare");
        } else if (!String.valueOf(response.contentType()).startsWith("application/problem+json")) {
            wrong.add(operation + " answers " + status + " to " + what + " without problem+json");
        }
    }

    /** A request as the operation expects it (its Content-Type, an acceptable Accept), with a token. */
    private static RequestSpecification request(Operation operation, String token) {
        RequestSpecification request = withToken(token);
        request.accept(operation.produces().isEmpty() ? "*/*" : operation.produces().iterator().next());
        if (operation.body()) {
            request.contentType(operation.consumes().iterator().next()).body("{}");
        }
        return request;
    }

    private static RequestSpecification withToken(String token) {
        return token == null ? given() : Api.as(token);
    }

    static String token(Operation operation) {
        return operation.roles() == null ? null : TOKENS.get(operation.roles().get(0));
    }

    private static String otherRole(Operation operation) {
        return TOKENS.entrySet().stream().filter(e -> !operation.roles().contains(e.getKey())).map(Map.Entry::getValue)
                .sorted().findFirst().orElseThrow(() -> new AssertionError(operation + " accepts every role"));
    }

    static String fill(String template, String value) {
        return template.replaceAll("\\{[^}]+\\}", value);
    }
}
