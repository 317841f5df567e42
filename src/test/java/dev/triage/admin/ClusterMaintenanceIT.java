package dev.triage.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.triage.database.embedded.EmbeddedPostgres;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Two replicas of the packaged service (target/quarkus-app/quarkus-run.jar, production profile)
 * on one real PostgreSQL, as two pods behind one Service: maintenance mode switched through one
 * replica is in force on the other within 2 s, stays in force while the database is
 * unreachable, and the maintenance file switches a replica on without the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMaintenanceIT {

    /** The cluster-wide promise: a change through one replica is in force on every other within this. */
    static final Duration FOLLOWED_WITHIN = Duration.ofSeconds(2);
    static final String TOKEN = "it-admin-" + UUID.randomUUID();
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    static EmbeddedPostgres database;
    static Path work;
    static Replica a;
    static Replica b;

    @BeforeAll
    static void startTwoReplicas() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by `package`, before the integration tests run");
        work = Files.createTempDirectory("triage-cluster-it-");
        database = EmbeddedPostgres.start(UUID.randomUUID().toString(), Map.of());
        a = Replica.start("a", database, null);
        b = Replica.start("b", database, work.resolve("maintenance.properties"));
        a.awaitWritable();
        b.awaitWritable();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        for (Replica replica : new Replica[] { a, b }) {
            if (replica != null) {
                replica.stop();
            }
        }
        if (database != null) {
            database.close();
        }
        if (work != null) {
            Files.deleteIfExists(work.resolve("maintenance.properties"));
            Files.deleteIfExists(work);
        }
    }

    @Test
    @Order(1)
    void onThroughAIsInForceOnBWithinTwoSeconds() {
        assertEquals(201, b.write().statusCode(), "B accepts writes before");
        a.admin().body(Map.of("enabled", true, "reason", "cluster upgrade", "retryAfterSeconds", 90))
                .put(a.url("/api/v1/admin/maintenance")).then().statusCode(200).body("enabled", equalTo(true))
                .body("source", equalTo("database"));
        Instant switched = Instant.now();
        await("B refuses writes").atMost(FOLLOWED_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> b.write().statusCode() == 503);
        System.out.printf("maintenance on through A: B refused writes after %d ms%n",
                Duration.between(switched, Instant.now()).toMillis());
        b.write().then().statusCode(503).contentType("application/problem+json").header("Retry-After", "90")
                .body("type", equalTo("urn:triage:problem:maintenance")).body("detail", containsString("cluster upgrade"));
        b.admin().get(b.url("/api/v1/admin/maintenance")).then().statusCode(200).body("enabled", equalTo(true))
                .body("source", equalTo("database")).body("reason", equalTo("cluster upgrade"));
        // Reads are not paused.
        b.admin().get(b.url("/api/v1/incidents?limit=1")).then().statusCode(200);
    }

    @Test
    @Order(2)
    void theLastKnownStateStaysInForceWhileTheDatabaseIsUnreachable() {
        String readBefore = b.maintenance().path("sharedReadAt");
        database.stop("fast");
        try {
            // Three poll intervals without the database: B still refuses writes as maintenance (its
            // own 503 with the operator's Retry-After), not as a database failure.
            await("B keeps maintenance on").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        Response r = b.write();
                        return r.statusCode() == 503 && "urn:triage:problem:maintenance".equals(r.path("type"));
                    });
            Response state = b.maintenance();
            assertEquals(Boolean.TRUE, state.path("enabled"), state.asString());
            assertTrue(Instant.parse(state.path("sharedReadAt")).isBefore(Instant.now().minusSeconds(2)),
                    "no fresh read of the shared row while the database is down: " + state.asString()
                            + " (before the stop: " + readBefore + ")");
        } finally {
            database.start();
        }
    }

    @Test
    @Order(3)
    void offThroughBIsInForceOnAWithinTwoSeconds() {
        // The database is back; the first PUT may meet the breaker or a pool still reconnecting.
        await("B can store the setting").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> b.admin().body(Map.of("enabled", false)).put(b.url("/api/v1/admin/maintenance"))
                        .statusCode() == 200);
        Instant switched = Instant.now();
        await("A accepts writes").atMost(FOLLOWED_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> a.write().statusCode() == 201);
        System.out.printf("maintenance off through B: A accepted writes after %d ms%n",
                Duration.between(switched, Instant.now()).toMillis());
        a.admin().get(a.url("/api/v1/admin/maintenance")).then().statusCode(200).body("enabled", equalTo(false));
    }

    @Test
    @Order(4)
    void theFileSwitchesAReplicaOnWithoutTheDatabase() throws IOException {
        Path file = b.maintenanceFile;
        database.stop("fast");
        try {
            Files.writeString(file, "reason=database host replaced\nretry-after-seconds=45\n");
            Instant written = Instant.now();
            await("B follows its file").atMost(FOLLOWED_WITHIN).pollInterval(Duration.ofMillis(50))
                    .until(() -> Boolean.TRUE.equals(b.maintenance().path("enabled")));
            System.out.printf("maintenance file written with the database down: B in maintenance after %d ms%n",
                    Duration.between(written, Instant.now()).toMillis());
            b.write().then().statusCode(503).header("Retry-After", "45")
                    .body("type", equalTo("urn:triage:problem:maintenance"))
                    .body("detail", containsString("database host replaced"));
            b.maintenance().then().body("source", equalTo("file"));
            // A has no file: it answers with the database failure instead.
            a.write().then().statusCode(503).body("category", org.hamcrest.Matchers.notNullValue());
        } finally {
            database.start();
        }
        // With the database back, the file still holds B (the shared row says off) and not A.
        await("A accepts writes again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> a.write().statusCode() == 201);
        assertEquals(503, b.write().statusCode());
        Files.delete(file);
        Instant removed = Instant.now();
        await("B accepts writes").atMost(FOLLOWED_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> b.write().statusCode() == 201);
        System.out.printf("maintenance file removed: B accepted writes after %d ms%n",
                Duration.between(removed, Instant.now()).toMillis());
    }

    /** One replica: the packaged service in a process of its own. */
    static final class Replica {
        final String name;
        final int port;
        final Path maintenanceFile;
        final Process process;
        final Path log;

        private Replica(String name, int port, Path maintenanceFile, Process process, Path log) {
            this.name = name;
            this.port = port;
            this.maintenanceFile = maintenanceFile;
            this.process = process;
            this.log = log;
        }

        static Replica start(String name, EmbeddedPostgres database, Path maintenanceFile) throws IOException {
            int port = freePort();
            Path log = Path.of("target", "cluster-maintenance-" + name + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    // Health on its own port where the management interface is on: one free port each.
                    "-Dquarkus.management.port=" + freePort(),
                    "-Dquarkus.shutdown.delay=PT0S",
                    "-Dtriage.health.probe-interval=PT1S"));
            if (maintenanceFile != null) {
                command.add("-Dtriage.maintenance.file=" + maintenanceFile);
            }
            command.addAll(List.of("-jar", JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("DB_HOST", database.host());
            env.put("DB_PORT", String.valueOf(database.port()));
            env.put("DB_NAME", EmbeddedPostgres.DATABASE);
            env.put("DB_USER", EmbeddedPostgres.USER);
            env.put("DB_PASSWORD", database.userPassword());
            // One static token with the roles the test needs: switch maintenance (admin), write and read.
            env.put("TRIAGE_AUTH_TOKENS", "cluster-it:admin,writer,reader:" + TOKEN);
            return new Replica(name, port, maintenanceFile, builder.start(), log);
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        RequestSpecification admin() {
            return given().contentType(ContentType.JSON).accept(ContentType.JSON).auth().oauth2(TOKEN);
        }

        Response maintenance() {
            return admin().get(url("/api/v1/admin/maintenance"));
        }

        Response write() {
            return admin().body(Map.of("issueDescription", "written through replica " + name))
                    .post(url("/api/v1/incidents"));
        }

        void awaitWritable() {
            await("replica " + name + " accepts writes (log: " + log + ")").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsMatching(e -> e instanceof IOException) // not listening yet
                    .until(() -> {
                        assertTrue(process.isAlive(), "replica " + name + " exited; see " + log);
                        return write().statusCode() == 201;
                    });
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }
}
