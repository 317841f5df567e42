package dev.triage.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;

/**
 * Tokens, good or bad, never reach the log: every record (at DEBUG for the security and JWT
 * libraries, with its parameters and exception chain) is captured while requests carry them.
 */
@QuarkusTest
class TokensNeverLoggedTest {

    private static final List<String> DEBUGGED = List.of("io.quarkus.security", "io.quarkus.smallrye.jwt",
            "io.smallrye.jwt", "io.quarkus.vertx.http.runtime.security", "io.quarkus.resteasy.reactive", "org.jose4j",
            "dev.triage");

    @Test
    void noTokenAppearsInAnyLogRecord() throws Exception {
        long now = Instant.now().getEpochSecond();
        String foreignJwt = Jwt.issuer("https://evil.example").subject("mallory").groups(Set.of("admin"))
                .expiresAt(now + 300).sign(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate());
        List<String> tokens = List.of(Api.READER_TOKEN, Api.WRITER_TOKEN, Api.ADMIN_TOKEN, Api.ALERT_TOKEN,
                "unknown-static-token-0123456789", foreignJwt, "eyJhbGciOiJub25lIn0.e30.");
        List<String> records = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                StringWriter text = new StringWriter();
                text.append(record.getLoggerName()).append(' ').append(String.valueOf(record.getMessage()));
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        text.append(' ').append(String.valueOf(p));
                    }
                }
                if (record.getThrown() != null) {
                    record.getThrown().printStackTrace(new PrintWriter(text));
                }
                records.add(text.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Map<String, Level> levels = new HashMap<>();
        DEBUGGED.forEach(name -> levels.put(name, Logger.getLogger(name).getLevel()));
        root.addHandler(capture);
        DEBUGGED.forEach(name -> Logger.getLogger(name).setLevel(Level.FINE));
        try {
            for (String token : tokens) {
                Api.as(token).get("/api/v1/incidents?limit=1");
                Api.as(token).contentType(ContentType.JSON).body("{\"issueDescription\": 7}").post("/api/v1/incidents");
                Api.as(token).contentType(ContentType.JSON).body("{broken").post("/api/v1/alerts/alertmanager");
                Api.as(token).get("/api/v1/diagnostics");
                Api.as(token).contentType(ContentType.JSON).body(Map.of("enabled", false)).put("/api/v1/admin/maintenance");
                given().header("Authorization", "Basic " + token).get("/api/v1/playbooks");
                given().header("Authorization", "Bearer " + token + " trailing").get("/api/v1/playbooks");
            }
        } finally {
            root.removeHandler(capture);
            levels.forEach((name, level) -> Logger.getLogger(name).setLevel(level));
        }
        List<String> leaks = new ArrayList<>();
        synchronized (records) {
            for (String record : records) {
                for (String token : tokens) {
                    // the JWT's parts too: a logged payload or signature is a leak as well
                    for (String part : token.split("\\.")) {
                        if (part.length() >= 16 && record.contains(part)) {
                            leaks.add(record.length() > 300 ? record.substring(0, 300) : record);
                        }
                    }
                }
            }
        }
        // the capture is live: DEBUG lines of the security libraries about these requests are in it
        assertTrue(records.stream().anyMatch(r -> r.startsWith("io.quarkus.") || r.startsWith("io.smallrye.")),
                "no DEBUG record of the security libraries captured (" + records.size() + " records)");
        assertTrue(leaks.isEmpty(), leaks.size() + " log records contain a token:\n" + String.join("\n", leaks));
    }
}
