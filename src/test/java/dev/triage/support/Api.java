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

    public static final String ADMIN_TOKEN = "test-admin-token";

    private Api() {
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

    public static RequestSpecification json() {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    /** Waits until the background migrations have run (writes answer 503 until then). */
    public static void awaitMigrations() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (given().get("/api/v1/incidents?limit=1").statusCode() == 200) {
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
