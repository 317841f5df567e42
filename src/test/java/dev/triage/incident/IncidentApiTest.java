package dev.triage.incident;

import static dev.triage.support.Api.createIncident;
import static dev.triage.support.Api.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class IncidentApiTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void createdIncidentCanBeReadBackWithLocationAndEtag() {
        Response created = createIncident(Map.of("issueDescription", "Checkout API times out",
                "errorMessage", "Connection timed out", "language", "go", "urgency", "high",
                "service", "checkout", "labels", Map.of("team", "payments")));
        created.then().statusCode(201)
                .header("Location", containsString("/api/v1/incidents/"))
                .header("ETag", "\"1\"")
                .body("status", equalTo("open"))
                .body("environment", equalTo("production"))
                .body("database", equalTo("postgresql"))
                .body("labels.team", equalTo("payments"))
                .body("version", equalTo(1));
        String location = created.header("Location");
        Api.reader().accept(ContentType.JSON).get(location).then().statusCode(200)
                .header("ETag", "\"1\"")
                .header("Triage-Data-Source", nullValue())
                .body("id", equalTo(created.path("id")))
                .body("issueDescription", equalTo("Checkout API times out"))
                .body("language", equalTo("go"))
                .body("service", equalTo("checkout"));
    }

    @Test
    void unknownAndMalformedIdsAreProblem404s() {
        Api.reader().get("/api/v1/incidents/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:triage:problem:not-found"))
                .body("requestId", notNullValue());
        Api.reader().get("/api/v1/incidents/not-a-uuid").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void sameIdempotencyKeyAndBodyReturnsTheFirstIncident() {
        String key = "key-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("issueDescription", "Orders fail", "errorMessage", "53300");
        String first = json().header("Idempotency-Key", key).body(body).post("/api/v1/incidents")
                .then().statusCode(201).extract().path("id");
        json().header("Idempotency-Key", key).body(body).post("/api/v1/incidents")
                .then().statusCode(200)
                .header("Idempotent-Replayed", "true")
                .header("Location", containsString(first))
                .body("id", equalTo(first));
        // The same content with the defaults spelt out is the same request.
        Map<String, Object> explicit = new HashMap<>(body);
        explicit.put("environment", "production");
        explicit.put("includeLogs", true);
        json().header("Idempotency-Key", key).body(explicit).post("/api/v1/incidents")
                .then().statusCode(200).body("id", equalTo(first));
    }

    @Test
    void sameIdempotencyKeyWithAnotherBodyIs422() {
        String key = "key-" + UUID.randomUUID();
        json().header("Idempotency-Key", key).body(Map.of("issueDescription", "A")).post("/api/v1/incidents")
                .then().statusCode(201);
        json().header("Idempotency-Key", key).body(Map.of("issueDescription", "B")).post("/api/v1/incidents")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:triage:problem:idempotency-key-reused"));
    }

    @Test
    void concurrentDuplicatesCreateExactlyOneIncident() throws Exception {
        String key = "key-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("issueDescription", "Concurrent duplicate", "urgency", "critical");
        int clients = 16;
        List<Thread> threads = new ArrayList<>();
        List<Response> responses = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                responses.add(json().header("Idempotency-Key", key).body(body).post("/api/v1/incidents"));
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(clients, responses.size());
        long created = responses.stream().filter(r -> r.statusCode() == 201).count();
        long replayed = responses.stream().filter(r -> r.statusCode() == 200).count();
        Set<String> ids = new HashSet<>();
        responses.forEach(r -> ids.add(r.path("id")));
        assertEquals(1, created, "exactly one request creates the incident");
        assertEquals(clients - 1, replayed, "every other request replays it");
        assertEquals(1, ids.size(), "every response names the same incident");
    }

    @Test
    void everyInvalidFieldIsReportedByName() {
        Map<String, Object> body = new HashMap<>();
        body.put("issueDescription", " ");
        body.put("errorMessage", "x".repeat(4001));
        body.put("service", "bad name!");
        body.put("logExcerpt", "y".repeat(16001));
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            labels.put("k" + i, "v");
        }
        body.put("labels", labels);
        Response r = createIncident(body);
        r.then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:triage:problem:validation"))
                .body("errors.field", hasItem("issueDescription"))
                .body("errors.field", hasItem("errorMessage"))
                .body("errors.field", hasItem("service"))
                .body("errors.field", hasItem("logExcerpt"))
                .body("errors.field", hasItem("labels"));
        assertEquals(5, r.jsonPath().getList("errors").size());
    }

    @Test
    void enumValuesOutsideTheListAreRejectedWithTheChoices() {
        createIncident(Map.of("issueDescription", "x", "language", "cobol")).then().statusCode(400)
                .body("errors[0].field", equalTo("language"))
                .body("errors[0].message", containsString("python"));
        createIncident(Map.of("issueDescription", "x", "urgency", "urgent")).then().statusCode(400)
                .body("errors[0].field", equalTo("urgency"));
        createIncident(Map.of("issueDescription", "x", "database", "oracle")).then().statusCode(400)
                .body("errors[0].field", equalTo("database"));
    }

    @Test
    void unknownFieldsMalformedJsonAndWrongTypesAre400() {
        createIncident(Map.of("issueDescription", "x", "severity", "high")).then().statusCode(400)
                .body("errors[0].field", equalTo("severity"));
        json().body("{\"issueDescription\": ").post("/api/v1/incidents").then().statusCode(400)
                .contentType("application/problem+json");
        createIncident(Map.of("issueDescription", "x", "includeLogs", List.of(1))).then().statusCode(400)
                .body("errors[0].field", equalTo("includeLogs"));
        json().post("/api/v1/incidents").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aNulCharacterIsA400NamingTheFieldBeforeTheDatabaseSeesIt() {
        createIncident(Map.of("issueDescription", "nul \u0000 inside")).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:triage:problem:validation"))
                .body("errors[0].field", equalTo("issueDescription"))
                .body("errors[0].message", containsString("U+0000"));
    }

    @Test
    void wrongContentTypeIs415AndOversizedBodyIs413() {
        Api.writer().contentType("text/plain").body("hello").post("/api/v1/incidents").then().statusCode(415)
                .contentType("application/problem+json").body("status", equalTo(415));
        String huge = "{\"issueDescription\":\"" + "a".repeat(70_000) + "\"}";
        json().body(huge).post("/api/v1/incidents").then().statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413))
                .body("requestId", notNullValue());
    }

    @Test
    void requestIdIsTakenFromTheCallerOrTraceparent() {
        Api.reader().header("X-Request-Id", "abc-123").get("/api/v1/incidents/" + UUID.randomUUID()).then()
                .statusCode(404).header("X-Request-Id", "abc-123").body("requestId", equalTo("abc-123"));
        Api.reader().header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .get("/api/v1/incidents/" + UUID.randomUUID()).then()
                .header("X-Request-Id", "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void patchMovesStatusForwardWithIfMatch() {
        String id = createIncident(Map.of("issueDescription", "Patch me")).then().statusCode(201).extract().path("id");
        String path = "/api/v1/incidents/" + id;
        json().body(Map.of("status", "acknowledged")).patch(path).then().statusCode(428)
                .contentType("application/problem+json");
        json().header("If-Match", "\"7\"").body(Map.of("status", "acknowledged")).patch(path).then().statusCode(412)
                .header("ETag", "\"1\"");
        json().header("If-Match", "\"1\"").body(Map.of("status", "acknowledged", "notes", "on it")).patch(path)
                .then().statusCode(200).header("ETag", "\"2\"")
                .body("status", equalTo("acknowledged")).body("notes", equalTo("on it")).body("version", equalTo(2));
        // A stale ETag (someone else changed it) is refused.
        json().header("If-Match", "\"1\"").body(Map.of("status", "resolved")).patch(path).then().statusCode(412);
        Api.writer().contentType("application/merge-patch+json").header("If-Match", "\"2\"")
                .body("{\"status\":\"resolved\"}").patch(path).then().statusCode(200)
                .body("status", equalTo("resolved")).body("notes", equalTo("on it"));
        json().header("If-Match", "\"3\"").body(Map.of("status", "open")).patch(path).then().statusCode(409)
                .body("type", equalTo("urn:triage:problem:invalid-transition"));
        json().header("If-Match", "\"3\"").body(Map.of()).patch(path).then().statusCode(400);
        json().header("If-Match", "*").body(Map.of("status", "bogus")).patch(path).then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        json().header("If-Match", "\"1\"").body(Map.of("notes", "x")).patch("/api/v1/incidents/" + UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void listPagesThroughEveryIncidentNewestFirstWithoutDuplicates() {
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            mine.add(createIncident(Map.of("issueDescription", "Paged " + i, "environment", "staging"))
                    .then().statusCode(201).extract().path("id"));
        }
        List<String> seen = new ArrayList<>();
        OffsetDateTime previous = null;
        String cursor = null;
        int pages = 0;
        do {
            var request = Api.reader().accept(ContentType.JSON).queryParam("limit", 2).queryParam("environment", "staging");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/api/v1/incidents");
            page.then().statusCode(200);
            List<Map<String, Object>> items = page.jsonPath().getList("items");
            assertTrue(items.size() <= 2);
            for (Map<String, Object> item : items) {
                assertEquals("staging", item.get("environment"));
                OffsetDateTime created = OffsetDateTime.parse((String) item.get("createdAt"));
                if (previous != null) {
                    assertFalse(created.isAfter(previous), "newest first");
                }
                previous = created;
                seen.add((String) item.get("id"));
            }
            cursor = page.path("nextCursor");
            if (cursor != null) {
                assertTrue(page.header("Link").contains("rel=\"next\""));
            }
            pages++;
        } while (cursor != null && pages < 1000);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no incident appears twice");
        assertTrue(seen.containsAll(mine), "every incident is reached");
        assertTrue(pages >= 3, "five incidents at two per page take at least three pages");
    }

    @Test
    void listParametersAreValidated() {
        Api.reader().queryParam("limit", 0).get("/api/v1/incidents").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        Api.reader().queryParam("limit", 101).get("/api/v1/incidents").then().statusCode(400);
        Api.reader().queryParam("limit", "ten").get("/api/v1/incidents").then().statusCode(400);
        Api.reader().queryParam("status", "closed").get("/api/v1/incidents").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        Api.reader().queryParam("cursor", "garbage!").get("/api/v1/incidents").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void filtersNarrowTheList() {
        String id = createIncident(Map.of("issueDescription", "Low one", "urgency", "low", "environment", "test"))
                .then().statusCode(201).extract().path("id");
        Response page = Api.reader().queryParam("urgency", "low").queryParam("environment", "test")
                .queryParam("status", "open").queryParam("limit", 100).get("/api/v1/incidents");
        page.then().statusCode(200);
        List<Map<String, Object>> items = page.jsonPath().getList("items");
        assertTrue(items.stream().anyMatch(i -> id.equals(i.get("id"))));
        assertTrue(items.stream().allMatch(i -> "low".equals(i.get("urgency")) && "test".equals(i.get("environment"))));
    }

    @Test
    void storedIncidentHasAPromptInBothFormats() {
        String id = createIncident(Map.of("issueDescription", "Login fails",
                "errorMessage", "FATAL: password authentication failed for user \"app\" (28P01)",
                "language", "java")).then().statusCode(201).extract().path("id");
        Api.reader().get("/api/v1/incidents/" + id + "/prompt").then().statusCode(200)
                .contentType(startsWith("text/markdown"))
                .body(containsString("#### A. Authentication Failures"))
                .body(containsString("```java"));
        Api.reader().accept(ContentType.JSON).get("/api/v1/incidents/" + id + "/prompt").then().statusCode(200)
                .body("sections[2].rootCauses[0].playbookId", equalTo("authentication"));
        Api.reader().get("/api/v1/incidents/" + UUID.randomUUID() + "/prompt").then().statusCode(404);
    }
}
