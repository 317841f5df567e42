package dev.triage.api;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Configuration paths of SecurityProfile: prompts opened by triage.auth.prompts-require-token=false,
 * a tokens file re-read when it changes, and the deprecated TRIAGE_ADMIN_TOKEN.
 */
@QuarkusTest
@TestProfile(SecurityProfile.class)
class TokenConfigurationTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void promptsCanBeOpenedByConfiguration() {
        given().contentType(ContentType.JSON).body(Api.seedContext()).post("/api/v1/prompts").then().statusCode(200);
        // only prompts: everything else still needs a token
        given().get("/api/v1/playbooks").then().statusCode(401);
    }

    @Test
    void theDeprecatedAdminTokenIsAnAdmin() {
        Api.as(SecurityProfile.LEGACY_ADMIN_TOKEN).get("/api/v1/admin/maintenance").then().statusCode(200);
        Api.as(SecurityProfile.LEGACY_ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"version\":\"4\",\"alerts\":[]}")
                .post("/api/v1/alerts/alertmanager").then().statusCode(403);
    }

    @Test
    void theTokensFileIsReReadWhenItChanges() throws Exception {
        Api.as(SecurityProfile.FILE_TOKEN).get("/api/v1/incidents?limit=1").then().statusCode(200);
        String rotated = "rotated-file-token-" + System.nanoTime();
        try {
            Files.writeString(SecurityProfile.TOKENS_FILE, "file-writer:reader:" + rotated + "\n");
            awaitStatus(rotated, 200);
            Api.as(SecurityProfile.FILE_TOKEN).get("/api/v1/incidents?limit=1").then().statusCode(401);
            // A broken file keeps the last good tokens (and names the entry, never the token).
            Files.writeString(SecurityProfile.TOKENS_FILE, "file-writer:superuser:" + rotated + "\n");
            Thread.sleep(2500);
            Api.as(rotated).get("/api/v1/incidents?limit=1").then().statusCode(200);
        } finally {
            Files.writeString(SecurityProfile.TOKENS_FILE, "file-writer:writer:" + SecurityProfile.FILE_TOKEN + "\n");
        }
        awaitStatus(SecurityProfile.FILE_TOKEN, 200);
    }

    private static void awaitStatus(String token, int status) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = Api.as(token).get("/api/v1/incidents?limit=1").statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("token still answered " + last + " after 15 s, expected " + status);
    }
}
