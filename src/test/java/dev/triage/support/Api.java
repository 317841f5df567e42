package dev.triage.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Small helpers shared by the HTTP tests. */
public final class Api {

    /** The test profile's static tokens, one per role (%test.triage.auth.tokens). */
    public static final String READER_TOKEN = "test-reader-token-0001";
    public static final String WRITER_TOKEN = "test-writer-token-0001";
    public static final String ADMIN_TOKEN = "test-admin-token-00001";
    public static final String ALERT_TOKEN = "test-alert-token-0001";

    private Api() {
    }

    /** A request with {@code Authorization: Bearer <token>}. */
    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    public static RequestSpecification reader() {
        return as(READER_TOKEN);
    }

    public static RequestSpecification writer() {
        return as(WRITER_TOKEN);
    }

    public static RequestSpecification admin() {
        return as(ADMIN_TOKEN);
    }

    public static RequestSpecification alertSender() {
        return as(ALERT_TOKEN);
    }

    /**
     * A request to the management interface (health, metrics), which listens on its own port:
     * in tests a free one chosen at start (quarkus.management.test-port=0), read back here.
     */
    public static RequestSpecification management() {
        return given().port(managementPort());
    }

    /** The port the management interface of the running test instance listens on. */
    public static int managementPort() {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        if (port <= 0) {
            throw new IllegalStateException("the management interface has no bound port (quarkus.management.test-port="
                    + port + ")");
        }
        return port;
    }

    /** A JSON request as a writer (incident writes). */
    public static RequestSpecification json() {
        return writer().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    /** Waits until the background migrations have run (writes answer 503 until then). */
    public static void awaitMigrations() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (reader().get("/api/v1/incidents?limit=1").statusCode() == 200) {
                return;
            }
            sleepQuietly(100);
        }
        throw new AssertionError("migrations did not complete within 60 s");
    }

    public static Response createIncident(Map<String, Object> body) {
        return json().body(body).post("/api/v1/incidents");
    }

    public static Map<String, Object> seedContext() {
        return Map.of(
                "issueDescription", "API returning 500 errors",
                "errorMessage", "Internal Server Error: Database connection failed",
                "environment", "production",
                "language", "python",
                "urgency", "critical",
                "includeLogs", true,
                "includeSolutions", true);
    }

    public static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
