package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import dev.triage.support.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With triage.public-url set, links are absolute under it, whatever Host the request names. */
@QuarkusTest
@TestProfile(PublicUrlTest.Public.class)
class PublicUrlTest {

    public static class Public implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triage.public-url", "https://triage.example.com/");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void locationAndLinkUseThePublicUrl_notTheHostHeader() {
        Api.awaitMigrations();
        for (int i = 0; i < 2; i++) {
            RawHttp.Reply created = RawHttp.send(root.getPort(), new RawHttp.Builder().method("POST")
                    .target("/api/v1/incidents").header("Host: evil.example.net").header("Connection: close")
                    .header("Authorization: Bearer " + Api.WRITER_TOKEN)
                    .header("Content-Type: application/json").body("{\"issueDescription\":\"public url\"}").build().bytes(),
                    10_000);
            assertEquals(201, created.status(), created.toString());
            assertTrue(created.header("location").startsWith("https://triage.example.com/api/v1/incidents/"),
                    created.header("location"));
        }
        RawHttp.Reply page = RawHttp.send(root.getPort(), new RawHttp.Builder().target("/api/v1/incidents?limit=1")
                .header("Authorization: Bearer " + Api.READER_TOKEN)
                .header("Host: evil.example.net").header("Connection: close").build().bytes(), 10_000);
        assertEquals(200, page.status(), page.toString());
        assertTrue(page.header("link").startsWith("<https://triage.example.com/api/v1/incidents?limit=1&cursor="),
                page.header("link"));
    }
}
