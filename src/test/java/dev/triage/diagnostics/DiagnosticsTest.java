package dev.triage.diagnostics;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class DiagnosticsTest {

    @Test
    void everyStepRunsAgainstTheLiveDatabase() {
        Api.awaitMigrations();
        Api.admin().accept(ContentType.JSON).get("/api/v1/diagnostics").then().statusCode(200)
                .body("steps.name", hasItems("dns", "tcp-connect", "login", "version", "round-trip", "connections"))
                .body("steps.outcome", everyItem(equalTo("ok")))
                .body("steps.durationMillis", everyItem(org.hamcrest.Matchers.greaterThanOrEqualTo(0)))
                .body("connection.host", equalTo("127.0.0.1"))
                .body("connection.user", equalTo("triage"))
                .body("connection", not(org.hamcrest.Matchers.hasKey("password")))
                .body("server.version", startsWith("PostgreSQL"))
                .body("server.maxConnections", greaterThan(0))
                .body("breaker", equalTo("closed"))
                .body("pool.max", equalTo(20))
                .body("likelyRootCause.category", nullValue());
    }

    @Test
    void thePromptForTriagesOwnStateHasTheSeedFormatAndLiveFacts() {
        Api.awaitMigrations();
        Api.admin().get("/api/v1/diagnostics/prompt").then().statusCode(200)
                .contentType(startsWith("text/markdown"))
                .body(containsString("# Debugging Prompt: Triage self-check"))
                .body(containsString("### 3. Common Root Causes"))
                .body(containsString("host=127.0.0.1"))
                .body(containsString("step login"));
        Api.admin().queryParam("category", "authentication").get("/api/v1/diagnostics/prompt").then().statusCode(200)
                .body(containsString("#### A. Authentication Failures"));
        Api.admin().queryParam("category", "read-only").accept(ContentType.JSON).get("/api/v1/diagnostics/prompt").then()
                .statusCode(200).body("sections[2].rootCauses[0].playbookId", equalTo("read-only"));
        Api.admin().queryParam("category", "bogus").get("/api/v1/diagnostics/prompt").then().statusCode(400)
                .body("errors[0].field", equalTo("category"));
    }
}
