package dev.triage.incident;

import static dev.triage.support.Api.createIncident;
import static dev.triage.support.Api.json;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import dev.triage.support.ReplyDroppingRelay;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The real-world lost reply: a client PATCHes, Triage commits and answers, and the answer is
 * lost on the way back (the client's connection is reset by something in between). The client
 * cannot know whether its change happened, so it sends the same PATCH again with the same
 * If-Match. It must get 200 with the incident as it now is, not a 412 it cannot act on, and the
 * change must not be applied twice.
 */
@QuarkusTest
class LostPatchReplyTest {

    private static final String CHANGE = "{\"status\":\"acknowledged\",\"notes\":\"paged the DBA\"}";

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void retryAfterTheReplyWasLostAnswersTheCurrentRepresentation() throws Exception {
        String id = createIncident(Map.of("issueDescription", "Lost reply")).then().statusCode(201).extract().path("id");
        String path = "/api/v1/incidents/" + id;

        try (ReplyDroppingRelay relay = new ReplyDroppingRelay(base.getHost(), base.getPort())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest patch = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/merge-patch+json")
                    .header("Authorization", "Bearer " + Api.WRITER_TOKEN)
                    .header("If-Match", "\"1\"")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(CHANGE))
                    .build();
            assertThrows(IOException.class, () -> client.send(patch, HttpResponse.BodyHandlers.ofString()),
                    "the client must not get the reply");
            assertEquals(1, relay.dropped().size(), "exactly one reply was lost: " + relay.dropped());
            assertTrue(relay.dropped().get(0).startsWith("HTTP/1.1 200"),
                    "the first attempt committed and was answered 200, then lost: " + relay.dropped().get(0));
        }

        // The client retries exactly what it sent (same If-Match, which now names the old version).
        Api.writer().contentType("application/merge-patch+json").header("If-Match", "\"1\"").body(CHANGE)
                .patch(path).then().statusCode(200).header("ETag", "\"2\"")
                .body("version", equalTo(2)).body("status", equalTo("acknowledged"))
                .body("notes", equalTo("paged the DBA"));
        // Applied once: the stored incident is still at version 2 (read live, not from the cache).
        Api.reader().get(path).then().statusCode(200).header("Triage-Data-Source", nullValue())
                .header("ETag", "\"2\"").body("version", equalTo(2));
    }

    @Test
    void aStaleIfMatchWithAnotherChangeIsStillRefused() {
        String id = createIncident(Map.of("issueDescription", "Stale change")).then().statusCode(201).extract().path("id");
        String path = "/api/v1/incidents/" + id;
        json().header("If-Match", "\"1\"").body(Map.of("status", "acknowledged", "notes", "mine")).patch(path)
                .then().statusCode(200).header("ETag", "\"2\"");
        // Same status, other notes: not what is stored, so a lost update would follow: 412.
        json().header("If-Match", "\"1\"").body(Map.of("status", "acknowledged", "notes", "theirs")).patch(path)
                .then().statusCode(412).header("ETag", "\"2\"");
        // Another status than the stored one: 412.
        json().header("If-Match", "\"1\"").body(Map.of("status", "resolved")).patch(path)
                .then().statusCode(412);
        // A tag that never named an earlier version is not a retry: 412.
        json().header("If-Match", "\"9\"").body(Map.of("status", "acknowledged")).patch(path)
                .then().statusCode(412);
        // The same change under an earlier version is a retry: 200, nothing written.
        json().header("If-Match", "\"1\"").body(Map.of("status", "acknowledged")).patch(path)
                .then().statusCode(200).header("ETag", "\"2\"").body("notes", equalTo("mine"));
        Api.reader().get(path).then().statusCode(200).body("version", equalTo(2));
    }
}
