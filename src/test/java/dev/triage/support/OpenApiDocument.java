package dev.triage.support;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The service's OpenAPI document (/q/openapi as JSON), with its references resolved. */
public final class OpenApiDocument {

    public static final String SCHEME = "bearer";
    private final JsonNode root;

    private OpenApiDocument(JsonNode root) {
        this.root = root;
    }

    /** The document the running test instance serves. */
    public static OpenApiDocument served() {
        String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        try {
            return new OpenApiDocument(new ObjectMapper().readTree(json));
        } catch (java.io.IOException e) {
            throw new AssertionError("the OpenAPI document is not JSON", e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** The operations under /api, keyed "METHOD /path". */
    public Map<String, JsonNode> apiOperations() {
        Map<String, JsonNode> operations = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (String method : List.of("get", "put", "post", "patch", "delete", "head", "options")) {
                if (path.getValue().has(method)) {
                    operations.put(method.toUpperCase(Locale.ROOT) + " " + path.getKey(), path.getValue().get(method));
                }
            }
        }
        return operations;
    }

    /** The methods the document gives a path. */
    public Set<String> methods(String path) {
        Set<String> methods = new TreeSet<>();
        root.path("paths").path(path).fieldNames().forEachRemaining(m -> methods.add(m.toUpperCase(Locale.ROOT)));
        methods.retainAll(Set.of("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"));
        return methods;
    }

    /** The statuses an operation declares. */
    public static Set<Integer> statuses(JsonNode operation) {
        Set<Integer> statuses = new TreeSet<>();
        operation.path("responses").fieldNames().forEachRemaining(code -> statuses.add(Integer.valueOf(code)));
        return statuses;
    }

    /** One declared response, its $ref followed. */
    public JsonNode response(JsonNode operation, int status) {
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        if (response.has("$ref")) {
            String ref = response.get("$ref").asText();
            String prefix = "#/components/responses/";
            if (!ref.startsWith(prefix)) {
                throw new AssertionError("unexpected response reference " + ref);
            }
            response = root.path("components").path("responses").path(ref.substring(prefix.length()));
            if (response.isMissingNode()) {
                throw new AssertionError("dangling response reference " + ref);
            }
        }
        return response;
    }

    /** The roles of the operation's bearer requirement, or null when it has no security requirement. */
    public static Set<String> roles(JsonNode operation) {
        JsonNode security = operation.path("security");
        if (security.isMissingNode() || security.isEmpty()) {
            return null;
        }
        Set<String> roles = new TreeSet<>();
        for (JsonNode requirement : security) {
            requirement.path(SCHEME).forEach(role -> roles.add(role.asText()));
        }
        return roles;
    }

    /**
     * Where the document and the code disagree: per operation, the error statuses the code can
     * answer that are not declared and those declared that it cannot answer, a missing or
     * superfluous security requirement, request bodies that do not match what the method reads,
     * error responses that are not problem+json or lack their headers. Empty when they agree.
     */
    public List<String> disagreements(List<ApiOperations.Operation> operations) {
        List<String> found = new ArrayList<>();
        Map<String, JsonNode> documented = apiOperations();
        Set<String> coded = new TreeSet<>();
        for (ApiOperations.Operation operation : operations) {
            coded.add(operation.key());
            JsonNode declared = documented.get(operation.key());
            if (declared == null) {
                found.add(operation + ": not in the document");
                continue;
            }
            Set<Integer> errors = new TreeSet<>(statuses(declared));
            errors.removeIf(status -> status < 400);
            Set<Integer> expected = operation.expectedErrors();
            Set<Integer> missing = new TreeSet<>(expected);
            missing.removeAll(errors);
            Set<Integer> extra = new TreeSet<>(errors);
            extra.removeAll(expected);
            if (!missing.isEmpty()) {
                found.add(operation + ": can answer " + missing + " but does not declare it");
            }
            if (!extra.isEmpty()) {
                found.add(operation + ": declares " + extra + " but its code cannot answer it");
            }
            Set<String> roles = roles(declared);
            Set<String> needed = operation.roles() == null ? null : new TreeSet<>(operation.roles());
            if (!java.util.Objects.equals(roles, needed)) {
                found.add(operation + ": security requirement " + (roles == null ? "none" : SCHEME + " " + roles)
                        + ", but the code needs " + (needed == null ? "no token" : "a token with " + needed));
            }
            Set<String> bodyTypes = new TreeSet<>();
            declared.path("requestBody").path("content").fieldNames().forEachRemaining(bodyTypes::add);
            if (!bodyTypes.equals(new TreeSet<>(operation.consumes()))) {
                found.add(operation + ": request body " + bodyTypes + ", but the method reads " + operation.consumes());
            }
            for (int status : errors) {
                JsonNode response = response(declared, status);
                if (!response.path("content").path("application/problem+json").path("schema").path("$ref").asText()
                        .equals("#/components/schemas/Problem")) {
                    found.add(operation + ": " + status + " is not described as application/problem+json (Problem)");
                }
                if ((status == 503 || status == 429) && !response.path("headers").has("Retry-After")) {
                    found.add(operation + ": " + status + " does not declare its Retry-After header");
                }
                if (status == 401 && !response.path("headers").has("WWW-Authenticate")) {
                    found.add(operation + ": 401 does not declare its WWW-Authenticate header");
                }
            }
        }
        for (String key : documented.keySet()) {
            if (!coded.contains(key)) {
                found.add(key + ": in the document, but no resource method answers it");
            }
        }
        return found;
    }
}
