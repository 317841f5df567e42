package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import dev.triage.support.LogRecording;
import dev.triage.support.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the HTTP layer answers before a resource runs: problem+json with a request id, no parser
 * internals, nothing logged at ERROR. Raw sockets, because HTTP clients refuse to send most of it.
 */
@QuarkusTest
class HttpLayerTest {

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    private RawHttp.Reply send(RawHttp.Builder request) {
        return RawHttp.send(root.getPort(), request.build().bytes(), 10_000);
    }

    private RawHttp.Reply send(String raw) {
        return RawHttp.send(root.getPort(), raw.getBytes(java.nio.charset.StandardCharsets.UTF_8), 10_000);
    }

    static RawHttp.Builder get(String target) {
        return authorized(new RawHttp.Builder().target(target).header("Host: 127.0.0.1").header("Connection: close"));
    }

    /** A writer's token: authentication runs first, and these requests are about what comes after it. */
    static RawHttp.Builder authorized(RawHttp.Builder request) {
        return request.header("Authorization: Bearer " + Api.WRITER_TOKEN);
    }

    private static void assertProblem(RawHttp.Reply reply, int status, String slug) {
        assertEquals(status, reply.status(), reply.toString());
        assertTrue(reply.isProblem(), "problem+json: " + reply);
        assertNotNull(reply.header("x-request-id"), "request id header: " + reply);
        assertTrue(reply.body().contains("\"type\":\"urn:triage:problem:" + slug + "\""), reply.body());
        assertTrue(reply.body().contains("\"requestId\":\"" + reply.header("x-request-id") + "\""), reply.body());
        assertFalse(reply.body().contains("Exception"), reply.body());
        assertFalse(reply.body().contains("stack"), reply.body());
    }

    @Test
    void aTargetThatIsNotAValidUriIsA400Problem() {
        for (String target : List.of("/api/v1/incidents/%zz", "/api/v1/incidents?status={", "/api/v1/inc|dents",
                "/api/v1/incidents?cursor=%", "/api/v1/%G1")) {
            assertProblem(send(get(target)), 400, "bad-request");
        }
    }

    @Test
    void anHttp11RequestWithoutHostIsA400Problem_andHttp10WithoutHostIsServed() {
        assertProblem(send(get("/api/v1/incidents?limit=1").withoutHeader("Host")), 400, "bad-request");
        Api.createIncident(Api.seedContext()).then().statusCode(201);
        Api.createIncident(Api.seedContext()).then().statusCode(201);
        RawHttp.Reply page = send(get("/api/v1/incidents?limit=1&status=open").version("HTTP/1.0").withoutHeader("Host"));
        assertEquals(200, page.status(), page.toString());
        // The next page's link is relative (no public URL is configured) and built from the parsed query.
        String link = page.header("link");
        assertNotNull(link, page.toString());
        assertTrue(link.startsWith("</api/v1/incidents?status=open&limit=1&cursor="), link);
        assertTrue(link.endsWith(">; rel=\"next\""), link);
    }

    @Test
    void locationIsRelativeAndIgnoresTheHostHeader() {
        RawHttp.Reply created = send(authorized(new RawHttp.Builder()).method("POST").target("/api/v1/incidents")
                .header("Host: evil.example.com").header("Connection: close").header("Content-Type: application/json")
                .body("{\"issueDescription\":\"Host header test\"}"));
        assertEquals(201, created.status(), created.toString());
        assertTrue(created.header("location").startsWith("/api/v1/incidents/"), created.header("location"));
        assertFalse(created.toString().contains("evil.example.com"));
    }

    @Test
    void aWrongMethodIsA405WithAllow() {
        RawHttp.Reply reply = send(get("/api/v1/incidents").method("DELETE"));
        assertProblem(reply, 405, "method-not-allowed");
        assertEquals("GET, HEAD, OPTIONS, POST", reply.header("allow"));
        RawHttp.Reply prompt = send(get("/api/v1/prompts"));
        assertProblem(prompt, 405, "method-not-allowed");
        assertEquals("OPTIONS, POST", prompt.header("allow"));
        assertEquals("GET, HEAD, OPTIONS, PATCH", send(get("/api/v1/incidents/x").method("PUT")).header("allow"));
    }

    @Test
    void oversizedRequestsAreProblems_413_414_431() {
        RawHttp.Builder chunked = new RawHttp.Builder().method("POST").target("/api/v1/incidents")
                .header("Host: 127.0.0.1").header("Connection: close").header("Content-Type: application/json")
                .body("{\"issueDescription\":\"" + "a".repeat(66_000) + "\"}").chunked(4096);
        assertProblem(send(chunked), 413, "payload-too-large");
        assertProblem(send(get("/api/v1/prompts").method("POST").header("Content-Type: application/json")
                .header("Content-Length: 70000").noContentLength()), 413, "payload-too-large");
        assertProblem(send(get("/api/v1/incidents?cursor=" + "a".repeat(5000))), 414, "uri-too-long");
        assertProblem(send(get("/api/v1/playbooks").header("X-Big: " + "h".repeat(30_000))), 431, "headers-too-large");
    }

    @Test
    void chunkedBodiesWithinTheLimitAreRead_byBlockingAndReactiveResources() {
        String body = "{\"issueDescription\":\"chunked\",\"logExcerpt\":\"" + "c".repeat(15_000) + "\"}";
        RawHttp.Reply incident = send(authorized(new RawHttp.Builder()).method("POST").target("/api/v1/incidents")
                .header("Host: 127.0.0.1").header("Connection: close").header("Content-Type: application/json")
                .body(body).chunked(1000));
        assertEquals(201, incident.status(), incident.toString());
        RawHttp.Reply prompt = send(authorized(new RawHttp.Builder()).method("POST").target("/api/v1/prompts")
                .header("Host: 127.0.0.1").header("Connection: close").header("Content-Type: application/json")
                .header("Accept: application/json").body(body).chunked(7));
        assertEquals(200, prompt.status(), prompt.toString());
    }

    @Test
    void noneOfTheseLogsAnErrorOrAStackTrace() {
        LogRecording log = LogRecording.install();
        log.selfCheck();
        try {
            send(get("/api/v1/incidents/%zz"));
            send(get("/api/v1/incidents").withoutHeader("Host"));
            send(get("/api/v1/incidents").method("DELETE"));
            send("POST /api/v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            send(authorized(new RawHttp.Builder()).method("POST").target("/api/v1/incidents").header("Host: 127.0.0.1")
                    .header("Connection: close").header("Content-Type: application/json")
                    .body("{\"issueDescription\":\"" + "a".repeat(70_000) + "\"}").chunked(8192));
            send(get("/api/v1/incidents?cursor=" + "a".repeat(70_000)));
            send("GARBAGE\r\n\r\n");
        } finally {
            log.remove();
        }
        assertEquals(List.of(), log.errors());
        assertEquals(List.of(), log.stackTraces());
    }

    @Test
    void beyondTheDecodersCeilingVertxAnswersBare_andTriageIsNotInvolved() {
        RawHttp.Reply reply = send(get("/api/v1/incidents?cursor=" + "a".repeat(70_000)));
        assertEquals(414, reply.status());
        assertNull(reply.header("x-request-id"), "answered before any Triage handler");
    }

    @Test
    void madeUpPathsAreTaggedUnknownOrNotFound_neverByTheirPath() {
        for (int i = 0; i < 50; i++) {
            send(get("/made-up-" + i));
            send(get("/api/v1/made-up-" + i + "%zz"));
            send(get("/api/v1/prompts?made-up-" + i).method("DELETE"));
        }
        // Refused by the HTTP decoder itself, before any route: a header line that is not one, and
        // headers beyond the decoder's ceiling.
        send("GET /made-up-decoder HTTP/1.1\r\nHost: 127.0.0.1\r\nnot a header line\r\nConnection: close\r\n\r\n");
        send(get("/made-up-headers").header("X-Big: " + "a".repeat(70_000)));
        String metrics = Api.management().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertFalse(metrics.contains("made-up-"), "made-up paths are no tags");
        assertTrue(metrics.contains("uri=\"NOT_FOUND\""), "404s are NOT_FOUND");
        assertTrue(metrics.contains("uri=\"UNKNOWN\""), "other refusals are UNKNOWN");
    }

    @Test
    void refusalsOfARouteWithoutPathParametersAreTaggedByThatRoute() {
        // A reader may not post alerts: 403 on a route whose template equals its path. Quarkus's
        // suppress4xx-errors would tag it UNKNOWN, and an outage's 503s there likewise.
        Api.reader().contentType("application/json").body("{}").post("/api/v1/alerts/alertmanager").then()
                .statusCode(403);
        String metrics = Api.management().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("http_server_requests_seconds_count{")
                && line.contains("status=\"403\"") && line.contains("uri=\"/api/v1/alerts/alertmanager\"")),
                "403 tagged with its route: " + metrics.lines().filter(l -> l.contains("alertmanager")).toList());
    }
}
