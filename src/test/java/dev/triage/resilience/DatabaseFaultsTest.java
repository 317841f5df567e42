package dev.triage.resilience;

import static dev.triage.resilience.Load.Kind.CREATE;
import static dev.triage.resilience.Load.Kind.LIST;
import static dev.triage.resilience.Load.Kind.PROMPT;
import static dev.triage.resilience.Load.Kind.READ_KNOWN;
import static dev.triage.resilience.Load.Kind.READ_UNKNOWN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.triage.database.embedded.EmbeddedPostgres;
import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Faults of the server itself, with the service connected directly: stopped, crashed, backends
 * killed, frozen, slots taken, pool saturated, password rotated, table locked, read-only.
 * Each prints a "[fault-report]" line; docs/RESILIENCE.md is written from them.
 */
@QuarkusTest
@TestProfile(FaultProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseFaultsTest extends FaultSuite {

    @Test
    @Order(1)
    void serverStopped() throws Exception {
        run(new Fault("1. server stopped (connection refused)", Set.of("service-down"),
                Set.of("service-down"), true, 8, MIX, Duration.ofSeconds(6),
                () -> db().server().stop("fast"), null, () -> db().server().start()));
    }

    @Test
    @Order(2)
    void serverCrashedAndRestarted() throws Exception {
        run(new Fault("2. crash (pg_ctl stop -m immediate) and restart", Set.of("service-down"),
                Set.of("service-down"), true, 8, MIX, Duration.ofSeconds(5),
                () -> db().server().stop("immediate"), null, () -> db().server().start()));
    }

    @Test
    @Order(3)
    void backendsKilled() throws Exception {
        double openedBefore = breakerOpened();
        double replaysBefore = metric("triage_database_session_replays_total", "outcome=\"succeeded\"");
        // The server accepts new connections all along: a killed session is replayed on a fresh
        // one, so clients see no outage and the breaker stays closed.
        run(new Fault("3. every backend of the service killed, repeatedly (pg_terminate_backend)",
                Set.of("service-down", "network"), Set.of(), false, 8, MIX, Duration.ofSeconds(5),
                this::terminateServiceBackends, this::terminateServiceBackends, () -> { }));
        assertTrue(metric("triage_database_session_replays_total", "outcome=\"succeeded\"") > replaysBefore,
                "killed sessions were seen and their statements replayed on fresh connections");
        assertEquals(openedBefore, breakerOpened(), "killed sessions on a working server do not open the breaker");
    }

    @Test
    @Order(4)
    void serverFrozen() throws Exception {
        List<String> diagnosis = new ArrayList<>();
        run(new Fault("4. server frozen 10 s (SIGSTOP, then SIGCONT)", Set.of("timeout", "pool-exhausted", "network"),
                Set.of("timeout"), true, 8, MIX, Duration.ofSeconds(10),
                () -> db().server().freeze(),
                () -> {
                    if (diagnosis.isEmpty()) {
                        long start = System.nanoTime();
                        var response = Api.admin().get("/api/v1/diagnostics");
                        diagnosis.add(response.statusCode() + " " + response.path("likelyRootCause.category") + " "
                                + (System.nanoTime() - start) / 1_000_000);
                    }
                },
                () -> db().server().thaw()));
        // Diagnostics gave up on the frozen login; the connection that completed later was closed.
        long deadline = System.nanoTime() + 10_000_000_000L;
        long leaked;
        do {
            Load.pause(200);
            leaked = sessions("triage-diagnostics");
        } while (leaked > 0 && System.nanoTime() < deadline);
        assertEquals(0, leaked, "no diagnostics session is left behind");
        // While clients mostly see the symptom (a full pool), diagnostics name the frozen host.
        String[] seen = diagnosis.get(0).split(" ");
        System.out.println("[fault-report] 4. diagnostics during the freeze: " + diagnosis.get(0) + " ms");
        assertEquals("200", seen[0], "diagnostics answer during the freeze");
        assertEquals("network", seen[1], "diagnostics name the host that stopped answering");
        assertTrue(Long.parseLong(seen[2]) < 10_000, "every diagnostic step is bounded");
    }

    @Test
    @Order(5)
    void connectionSlotsExhaustedByAnotherClient() throws Exception {
        List<Connection> hogs = new ArrayList<>();
        // Killed sessions are replayed on fresh connections, which meet 53300: the category names
        // the exhausted slots, never the side effect (a closed socket).
        run(new Fault("5. server connection slots taken by another client (53300)", Set.of("pool-exhausted"),
                Set.of("pool-exhausted"), false, 8, MIX, Duration.ofSeconds(6),
                () -> takeEverySlot(hogs), null, () -> closeAll(hogs)));
    }

    @Test
    @Order(6)
    void localPoolSaturated() throws Exception {
        AtomicReference<Connection> lock = new AtomicReference<>();
        int[] busiest = new int[2];
        run(new Fault("6. local pool saturated: 80 clients, slow statements (table locked)",
                Set.of("pool-exhausted", "timeout"), Set.of("pool-exhausted"), false, 80,
                List.of(READ_UNKNOWN, READ_UNKNOWN, LIST, CREATE, PROMPT), Duration.ofSeconds(8),
                () -> lock.set(lockIncidents()),
                () -> {
                    var ready = dev.triage.support.Api.management().get("/q/health/ready");
                    busiest[0] = Math.max(busiest[0], (int) ready.path("checks.find { it.name == 'triage' }.data.poolInUse"));
                    busiest[1] = Math.max(busiest[1], (int) ready.path("checks.find { it.name == 'triage' }.data.poolWaiting"));
                },
                () -> release(lock.get())));
        System.out.printf("[fault-report] 6. readiness showed up to %d connections in use and %d waiting%n",
                busiest[0], busiest[1]);
        assertEquals(20, busiest[0], "readiness data shows the saturated pool");
        assertTrue(busiest[1] > 0, "readiness data shows the waiting requests");
    }

    @Test
    @Order(7)
    void passwordChangedThenFileUpdated() throws Exception {
        String rotated = "rotated-" + Long.toHexString(System.nanoTime());
        long failedLoginsBefore = countInServerLog("password authentication failed");
        long[] window = new long[2];
        // The sessions are killed so that new logins meet the new password: statements on them are
        // replayed on fresh connections, which meet the new password, so every 503 (the breaker's
        // too) names authentication, not the killed sessions.
        run(new Fault("7. password changed (28P01), then the password file updated",
                Set.of("authentication"),
                Set.of("authentication"), true, 8, MIX, Duration.ofSeconds(6),
                () -> {
                    window[0] = System.nanoTime();
                    admin("ALTER ROLE triage PASSWORD '" + rotated + "'");
                    terminateServiceBackends();
                },
                // Diagnostics logins obey the same throttle: many calls add no storm.
                () -> Api.admin().get("/api/v1/diagnostics").then().statusCode(200),
                () -> {
                    window[1] = System.nanoTime();
                    writePassword(rotated);
                }));
        long failedLogins = countInServerLog("password authentication failed") - failedLoginsBefore;
        double seconds = (window[1] - window[0]) / 1e9;
        // At most one login per second after the first failures (a pool's worth may race in at once).
        long allowed = 20 + (long) Math.ceil(seconds) + 2;
        System.out.printf("[fault-report] 7. failed logins seen by the server: %d in %.1f s (allowed %d)%n",
                failedLogins, seconds, allowed);
        assertTrue(failedLogins > 0, "the server saw the wrong password");
        assertTrue(failedLogins <= allowed, "no reconnect storm: " + failedLogins + " failed logins in " + seconds + " s");
        assertTrue(metric("triage_database_logins_total", "outcome=\"throttled\"") > 0, "throttled logins are counted");
    }

    @Test
    @Order(8)
    void tableLockedFor15Seconds() throws Exception {
        AtomicReference<Connection> lock = new AtomicReference<>();
        double openedBefore = breakerOpened();
        int[] playbooksDuringLock = new int[1];
        run(new Fault("8. incidents table locked ACCESS EXCLUSIVE for 15 s", Set.of("timeout", "pool-exhausted"),
                Set.of("timeout"), false, 8, MIX, Duration.ofSeconds(15),
                () -> lock.set(lockIncidents()),
                () -> playbooksDuringLock[0] = Api.reader().get("/api/v1/playbooks").statusCode(),
                () -> release(lock.get())));
        assertEquals(200, playbooksDuringLock[0], "other tables keep working while one is locked");
        assertEquals(openedBefore, breakerOpened(), "a lock timeout is the server answering: the breaker stays closed");
    }

    @Test
    @Order(9)
    void databaseSwitchedReadOnly() throws Exception {
        double openedBefore = breakerOpened();
        run(new Fault("9. database read-only (default_transaction_read_only), as after a failover",
                Set.of("read-only"), Set.of("read-only"), false, 8, MIX, Duration.ofSeconds(6),
                () -> {
                    admin("ALTER DATABASE triage SET default_transaction_read_only = on");
                    terminateServiceBackends();
                }, null,
                () -> {
                    admin("ALTER DATABASE triage RESET default_transaction_read_only");
                    terminateServiceBackends();
                }));
        long listsServed = lastSamples.stream().filter(s -> s.kind() == LIST && s.status() == 200
                && s.startNanos() > lastInjected + 1_000_000_000L && s.endNanos() < lastRemoved).count();
        assertTrue(listsServed > 0, "reads keep working on a read-only database");
        assertEquals(openedBefore, breakerOpened(), "a read-only server is answering: the breaker stays closed");
    }
}
